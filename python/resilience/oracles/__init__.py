"""Independent implementations that the warehouse is checked against: one module per formula.

The warehouse computes each formula once (SQL, or a dbt Python model where SQL cannot).
The modules here are the *oracles*: straightforward numpy / pandas code written from the
formula's source (``DESIGN.md`` or the textbook), not from the SQL, for the tests, the
benchmark's numpy peer and the demo generator to compare against or draw from. None of
them is the warehouse's computation. The library itself (``resilience.*`` outside this
package) never imports them, except the demo generator.

================================  ==========================================  ==========
module                            formula                                      source
================================  ==========================================  ==========
:mod:`.entropy`                   entropy-weight composite index               DESIGN.md
:mod:`.perpetual_inventory`       R&D capital stocks (perpetual inventory)     DESIGN.md
:mod:`.spillovers`                spillover pools, provincial apportionment    DESIGN.md
:mod:`.fixed_effects`             two-way fixed-effects least squares          textbook
:mod:`.martin`                    Martin (2012) resistance and recovery        DESIGN.md
:mod:`.resampling`                refit-per-draw bootstrap and permutation     textbook
================================  ==========================================  ==========
"""
