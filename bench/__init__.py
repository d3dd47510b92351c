"""specgate's benchmark: `make bench` (python -m bench) runs every section and writes the results.

See bench/README.md; sections live in bench/sections/.
"""
