{#
    Min-max normalisation by direction over the scope, then the zero policy (macro
    normalize_min_max; formulas there). One row per index-unit-year-indicator.
    Scope (var index_scope): pooled -- min/max over all N*T cells of the index’s sample,
    scope_year null -- or per_year -- min/max over the N units of each year,
    scope_year = year.
    Normalisation (var index_normalisation) of the values the scores aggregate,
    z_normalized: min_max (z itself, the default), z_score (macro normalize_z_score) or
    rank (macro normalize_rank), over the same scope; z_normalized_shifted = z_normalized
    + shift_c (the zero policy’s shift, 0 under limit), the z′ a geometric mean needs.
    The weights always come from the min-max z and z_shifted (entropy needs z′ >= 0;
    CRITIC is defined on the min-max matrix), so a normalisation changes what is
    aggregated, not the weights.
#}
{#
    Materialised as a view (bench/results.md): a per-row transform of the stored gap-filled
    table; storing its 1.7 M x 18 columns at county scale cost ~1-3 s, computing it inside
    the downstream queries costs ~0.1 s.
#}
{{ config(materialized='view') }}
{%- set scope = typed_var('index_scope') -%}
{%- set zero_policy = typed_var('index_zero_policy') -%}
{%- set shift_c = typed_var('index_shift_c') -%}
{%- set normalisation = typed_var('index_normalisation') -%}
{%- if scope not in ['pooled', 'per_year'] -%}
    {{ exceptions.raise_compiler_error("int_indicators_normalized: var index_scope must be pooled or per_year, got '" ~ scope ~ "'") }}
{%- endif %}

with

indicator_values_gap_filled as (
    select * from {{ ref('int_indicator_values_gap_filled') }}
),

scopes_assigned as (
    select
        index_name,
        dimension,
        indicator,
        direction,
        unit_id,
        year,
        value,
        is_interpolated,
        '{{ scope }}' as scope,
        {%- if scope == 'per_year' %}
        year as scope_year
        {%- else %}
        cast(null as integer) as scope_year
        {%- endif %}
    from indicator_values_gap_filled
),

values_normalized as (
    {{ normalize_min_max(
        'scopes_assigned', ['index_name', 'indicator', 'scope_year'],
        zero_policy=zero_policy, shift_c=shift_c
    ) }}
),

{%- if normalisation == 'z_score' %}

values_renormalized as (
    {{ normalize_z_score('values_normalized', ['index_name', 'indicator', 'scope_year']) }}
),
{%- elif normalisation == 'rank' %}

values_renormalized as (
    {{ normalize_rank('values_normalized', ['index_name', 'indicator', 'scope_year']) }}
),
{%- endif %}

{%- set source_cte = 'values_normalized' if normalisation == 'min_max' else 'values_renormalized' %}
{%- set z_column = {'min_max': 'z', 'z_score': 'z_score', 'rank': 'z_rank'}[normalisation] %}

policy_recorded as (
    -- shift_c (from the macro): the shift this row's z received, null where none was
    select
        index_name,
        dimension,
        indicator,
        direction,
        unit_id,
        year,
        value,
        is_interpolated,
        scope,
        scope_year,
        min_value,
        max_value,
        is_zero_range,
        is_direction_valid,
        z,
        z_shifted,
        shift_c,
        '{{ zero_policy }}' as zero_policy,
        '{{ normalisation }}' as normalisation,
        {{ z_column }} as z_normalized,
        {{ z_column }} + coalesce(shift_c, 0.0) as z_normalized_shifted
    from {{ source_cte }}
)

select * from policy_recorded
