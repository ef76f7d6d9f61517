{#
    The index variants of the uncertainty and sensitivity analysis, one row per
    index-variant: the construction choices each variant made (int_index_variants_designed,
    the Saltelli design). What the specification curve draws beneath each coefficient
    (resilience sensitivity, the report), read by Python as a mart. A view.
#}
{{ config(materialized='view') }}

with

variants_designed as (
    select * from {{ ref('int_index_variants_designed') }}
)

select
    index_name,
    variant_id,
    matrix,
    factor_swapped,
    base_row,
    normalisation,
    weighting,
    aggregation,
    shift_c,
    dropped_indicator
from variants_designed
