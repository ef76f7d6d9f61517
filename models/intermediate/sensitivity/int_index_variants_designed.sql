{#
    The index variants of the uncertainty and sensitivity analysis, one row per
    index-variant: the factor levels of int_index_variant_indicators_designed (the Saltelli
    design; how uniforms map to levels is in its docstring) without the per-indicator
    weight multipliers. Every column but indicator, weight_multiplier and is_dropped is
    constant within index-variant, so any one row’s value is the value.
#}
with

variant_indicators_designed as (
    select * from {{ ref('int_index_variant_indicators_designed') }}
),

variants_collapsed as (
    select
        index_name,
        variant_id,
        {{ dbt.any_value('matrix') }} as matrix,
        {{ dbt.any_value('factor_swapped') }} as factor_swapped,
        {{ dbt.any_value('base_row') }} as base_row,
        {{ dbt.any_value('normalisation') }} as normalisation,
        {{ dbt.any_value('weighting') }} as weighting,
        {{ dbt.any_value('aggregation') }} as aggregation,
        {{ dbt.any_value('shift_c') }} as shift_c,
        {{ dbt.any_value('dropped_indicator') }} as dropped_indicator,
        count(*) as n_indicators_designed
    from variant_indicators_designed
    group by index_name, variant_id
)

select * from variants_collapsed
