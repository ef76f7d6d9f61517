{#
    Composite index scores, long: the entropy index of every indicator system (total and
    dimension sub-scores) and the PCA variant of each index ('<index_name>_pca', total
    only, min-max rescaled to [0, 1]). One row per index-unit-year-dimension.
#}
with

entropy_scores as (
    select * from {{ ref('int_index_scores_computed') }}
),

pca_scores as (
    select * from {{ ref('int_index_pca_scores_computed') }}
),

entropy_scores_labelled as (
    select
        index_name,
        unit_id,
        year,
        dimension,
        score,
        'entropy' as method,
        index_name as base_index_name,
        scope,
        subscore_form
    from entropy_scores
),

pca_scores_labelled as (
    select
        index_name || '_pca' as index_name,
        unit_id,
        year,
        'total' as dimension,
        score,
        'pca' as method,
        index_name as base_index_name,
        'pooled' as scope,
        cast(null as varchar) as subscore_form
    from pca_scores
),

scores_stacked as (
    select * from entropy_scores_labelled
    union all
    select * from pca_scores_labelled
)

select * from scores_stacked
