{#
    Composite index scores, long: the entropy index of every indicator system (total and
    dimension sub-scores) and the PCA variant of each index ('<index_name>_pca', total
    only, min-max rescaled to [0, 1]). One row per index-unit-year-dimension.
    method is the weighting (var index_weighting: entropy by default, or equal, cv,
    critic) of the main index rows and 'pca' for the PCA rows; normalisation and
    aggregation (vars index_normalisation, index_aggregation) are recorded beside them
    (null for the PCA rows, which standardise and weight by components).
    The PCA rows need the dbt Python model int_index_pca_loadings_computed: on target type
    spark (dbt-spark runs no Python model outside Databricks) the mart holds the entropy
    rows only.
#}
{%- set with_pca = target.type != 'spark' %}
with

entropy_scores as (
    select * from {{ ref('int_index_scores_computed') }}
),

{% if with_pca -%}
pca_scores as (
    select * from {{ ref('int_index_pca_scores_computed') }}
),

{% endif -%}

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

{% if with_pca -%}
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
        cast(null as string) as subscore_form,
        cast(null as string) as normalisation,
        cast(null as string) as aggregation
    from pca_scores
),

{% endif -%}

scores_stacked as (
    select * from entropy_scores_labelled
    {%- if with_pca %}
    union all
    select * from pca_scores_labelled
    {%- endif %}
)

select * from scores_stacked
