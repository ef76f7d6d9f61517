{#
    The estimated entropy weights next to the weights a paper publishes (Wang & Lu Table 1
    for the data-factor flow index; published_weight in seeds/reference/indicator_systems.csv),
    pooled scope. difference = weight - published_weight; the ranks show whether the two
    agree on which indicators matter most. One row per index-indicator of an index that
    publishes weights, in the paper's order (dimension, then published weight).
#}

with

index_weights as (
    select * from {{ ref('fct_index_weights') }}
),

pooled_weights as (
    select
        index_name,
        dimension,
        indicator,
        direction,
        weight,
        published_weight
    from index_weights
    where year is null
),

indices_publishing as (
    select index_name
    from pooled_weights
    group by index_name
    having count(published_weight) > 0
),

weights_compared as (
    select
        pooled_weights.index_name,
        pooled_weights.dimension,
        pooled_weights.indicator,
        pooled_weights.direction,
        pooled_weights.weight,
        pooled_weights.published_weight,
        pooled_weights.weight - pooled_weights.published_weight as difference,
        rank()
            over (partition by pooled_weights.index_name order by pooled_weights.weight desc)
            as weight_rank,
        rank()
            over (
                partition by pooled_weights.index_name order by pooled_weights.published_weight desc
            )
            as published_rank
    from pooled_weights
    inner join indices_publishing
        on pooled_weights.index_name = indices_publishing.index_name
),

weights_ordered as (
    select *
    from weights_compared
    order by index_name asc, dimension asc, published_weight desc
)

select * from weights_ordered
