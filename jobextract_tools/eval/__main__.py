"""python -m jobextract_tools.eval: the same as `jobextract eval`."""

from jobextract_tools.eval.command import main

raise SystemExit(main())
