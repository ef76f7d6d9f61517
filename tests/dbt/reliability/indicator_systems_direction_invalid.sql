{#
    Fails with every indicator of the indicator system whose direction is not '+' (benefit)
    or '-' (cost), naming index and indicator (the column test accepted_values on
    direction reports the bad value only). A typographic minus (U+2212) counts as invalid.
#}
{{ config(meta={
    'message': "direction {direction!r} is not '+' (benefit) or '-' (cost) in index {index_name}"
}) }}

with

indicator_systems as (
    select * from {{ ref('stg_reference__indicator_systems') }}
),

invalid_directions as (
    select
        index_name,
        dimension,
        indicator,
        direction
    from indicator_systems
    where direction is null or direction not in ('+', '-')
)

select * from invalid_directions
