{#
    Sensitivity of the index ranks to each factor of the index’s construction: first-order
    S_i (Saltelli 2010) and total S_Ti (Jansen 1999) Sobol indices of the ranks, pooled over
    the unit-years of the index with each weighted by its rank variance (macro
    sobol_indices; formulas there). One row per index and factor.
#}
with

variant_scores_computed as (
    select * from {{ ref('int_index_variant_scores_computed') }}
),

variants_designed as (
    select * from {{ ref('int_index_variants_designed') }}
),

ranks_designed as (
    select
        variant_scores_computed.index_name,
        variant_scores_computed.unit_id,
        variant_scores_computed.year,
        variants_designed.matrix,
        variants_designed.factor_swapped,
        variants_designed.base_row,
        cast(variant_scores_computed.score_rank as double) as score_rank
    from variant_scores_computed
    inner join variants_designed
        on variant_scores_computed.index_name = variants_designed.index_name
        and variant_scores_computed.variant_id = variants_designed.variant_id
),

sensitivity_estimated as (
    {{ sobol_indices('ranks_designed', ['index_name'], ['unit_id', 'year'], 'score_rank') }}
)

select * from sensitivity_estimated
