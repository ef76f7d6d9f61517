{#
    Top and bottom provinces by each entropy index: the mean total score over the index's
    sample years, its rank, and the score and rank in the last year. One row per
    index-province for the `n` best and `n` worst (var('analysis_top_n'), default 5),
    best first. PCA indices (method = 'pca') are left out: their scale is not [0, 1].
#}
{%- set top_n = var('analysis_top_n', 5) -%}

with

index_scores as (
    select * from {{ ref('fct_index_scores') }}
),

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

total_scores as (
    select
        index_name,
        unit_id,
        year,
        score
    from index_scores
    where dimension = 'total'
        and method = 'entropy'
),

last_years as (
    select
        index_name,
        max(year) as last_year
    from total_scores
    group by index_name
),

scores_summarised as (
    select
        total_scores.index_name,
        total_scores.unit_id,
        avg(total_scores.score) as mean_score,
        max(case when total_scores.year = last_years.last_year then total_scores.score end)
            as last_year_score,
        min(last_years.last_year) as last_year
    from total_scores
    inner join last_years
        on total_scores.index_name = last_years.index_name
    group by total_scores.index_name, total_scores.unit_id
),

provinces_ranked as (
    select
        index_name,
        unit_id,
        mean_score,
        last_year,
        last_year_score,
        rank() over (partition by index_name order by mean_score desc) as mean_rank,
        rank() over (partition by index_name order by last_year_score desc) as last_year_rank,
        count(*) over (partition by index_name) as n_units
    from scores_summarised
),

extremes_selected as (
    select
        provinces_ranked.index_name,
        case when provinces_ranked.mean_rank <= {{ top_n }} then 'top' else 'bottom' end
            as position,
        provinces_ranked.mean_rank,
        provinces_ranked.unit_id,
        coalesce(provinces.province_name_en, provinces_ranked.unit_id) as unit_name,
        provinces.region,
        provinces_ranked.mean_score,
        provinces_ranked.last_year,
        provinces_ranked.last_year_score,
        provinces_ranked.last_year_rank
    from provinces_ranked
    left join provinces
        on provinces_ranked.unit_id = provinces.province_code
    where provinces_ranked.mean_rank <= {{ top_n }}
        or provinces_ranked.mean_rank > provinces_ranked.n_units - {{ top_n }}
    order by provinces_ranked.index_name, provinces_ranked.mean_rank
)

select * from extremes_selected
