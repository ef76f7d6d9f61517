{#
    Uncertainty of each unit’s rank over the Monte Carlo variants of its index: the
    median and the 5 % and 95 % quantiles of the rank over the 2N variants of matrices A
    and B (independent draws of every factor; the AB_i variants are not random draws and
    are left out), with the rank of the shipped index (variant 0) beside them. Quantiles
    by linear interpolation between order statistics (percentile_cont: position
    q (n - 1) in the sorted ranks, numpy’s default). One row per index-unit-year.
#}
with

variant_scores_computed as (
    select * from {{ ref('int_index_variant_scores_computed') }}
),

variants_designed as (
    select * from {{ ref('int_index_variants_designed') }}
),

ranks_drawn as (
    select
        variant_scores_computed.index_name,
        variant_scores_computed.unit_id,
        variant_scores_computed.year,
        variants_designed.matrix,
        variant_scores_computed.score_rank
    from variant_scores_computed
    inner join variants_designed
        on variant_scores_computed.index_name = variants_designed.index_name
        and variant_scores_computed.variant_id = variants_designed.variant_id
    where variants_designed.matrix in ('A', 'B', 'baseline')
),

intervals_computed as (
    select
        index_name,
        unit_id,
        year,
        max(case when matrix = 'baseline' then score_rank end) as baseline_rank,
        percentile_cont(0.5) within group (
            order by case when matrix != 'baseline' then score_rank end
        ) as median_rank,
        percentile_cont(0.05) within group (
            order by case when matrix != 'baseline' then score_rank end
        ) as rank_p05,
        percentile_cont(0.95) within group (
            order by case when matrix != 'baseline' then score_rank end
        ) as rank_p95,
        min(case when matrix != 'baseline' then score_rank end) as rank_min,
        max(case when matrix != 'baseline' then score_rank end) as rank_max,
        count(case when matrix != 'baseline' then score_rank end) as n_variants
    from ranks_drawn
    group by index_name, unit_id, year
)

select * from intervals_computed
