from sdpolicy.cli import entry

entry()
