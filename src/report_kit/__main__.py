import sys

from report_kit.cli import main

sys.exit(main())
