#!/bin/sh
# An executable file: its mode in the archive is 0100555.
exit 0
