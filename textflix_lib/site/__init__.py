"""The static Textflix site: what its pages show (`pages`) and how it is written (`writer`)."""
