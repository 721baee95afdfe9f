"""setup.cfg holds the metadata; this file only installs ``textflix_compat.pth`` beside the
package (as pytest-cov does), so AllenNLP's compat fixes load before AllenNLP itself."""
import os

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = "textflix_compat.pth"


class BuildPyWithPth(build_py):
    def run(self):
        super().run()
        self.copy_file(PTH, os.path.join(self.build_lib, PTH))

    def get_outputs(self, include_bytecode=1):
        return super().get_outputs(include_bytecode) + [os.path.join(self.build_lib, PTH)]


setup(cmdclass={"build_py": BuildPyWithPth})
