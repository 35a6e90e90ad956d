from sdpolicy.cli import main

main()
