{#
    Scores and ranks of every index variant of the uncertainty and sensitivity analysis
    (int_index_variant_scores_computed; the design in int_index_variants_designed). One row
    per index-variant-unit-year. A view: the table behind it is already stored.
#}
{{ config(materialized='view') }}

with

variant_scores_computed as (
    select * from {{ ref('int_index_variant_scores_computed') }}
)

select
    index_name,
    variant_id,
    unit_id,
    year,
    score,
    score_rank
from variant_scores_computed
