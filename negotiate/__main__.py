from negotiate.cli import main

raise SystemExit(main())
