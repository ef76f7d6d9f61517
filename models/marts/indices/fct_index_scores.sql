{#
    Composite index scores, long: the entropy index of every indicator system (total and
    dimension sub-scores) and the PCA variant of each index ('<index_name>_pca', total
    only, min-max rescaled to [0, 1]). One row per index-unit-year-dimension.
    method is the weighting (var index_weighting: entropy by default, or equal, cv,
    critic) of the main index rows and 'pca' for the PCA rows; normalisation and
    aggregation (vars index_normalisation, index_aggregation) are recorded beside them
    (null for the PCA rows, which standardise and weight by components).
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
        weighting as method,
        index_name as base_index_name,
        scope,
        subscore_form,
        normalisation,
        aggregation
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
        cast(null as varchar) as subscore_form,
        cast(null as varchar) as normalisation,
        cast(null as varchar) as aggregation
    from pca_scores
),

scores_stacked as (
    select * from entropy_scores_labelled
    union all
    select * from pca_scores_labelled
)

select * from scores_stacked
