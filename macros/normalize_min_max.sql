{# purpose: min-max normalise a long table by indicator direction within a scope, then apply the entropy zero policy. #}
{#
    Over each scope group g (the `partition_by` columns, e.g. index_name, indicator and
    scope_year):
        positive:  z = (x - min_g) / (max_g - min_g)
        negative:  z = (max_g - x) / (max_g - min_g)
    A zero range (max_g = min_g) or a direction other than '+' / '-' gives z = null and
    is_zero_range / is_direction_valid say why; the calling model's data tests turn those
    rows into a build error (never a silent NaN).
    Zero policy (the input to ln in the entropy step), z_shifted:
        shift          z' = z + c                      (every cell; the default)
        shift_if_zero  z' = z + c only in groups where min(z) = 0 (SPSSAU's
                       "non-negative shift when the column has zeros"); after min-max
                       every group has min(z) = 0, so this equals `shift` here
        limit          z' = z, with 0 * ln 0 = 0 in the entropy (x_ln_x)
    shift_c is the c added to the row's z, null where none was (limit, or a
    shift_if_zero group without a zero): what the row's entropy used, never the unused var.
    Returns every column of `relation` plus min_value, max_value, is_zero_range,
    is_direction_valid, z, z_shifted, shift_c. Window aggregates, so null scope_year groups pooled rows.
#}
{% macro normalize_min_max(relation, partition_by, value_column='value', direction_column='direction', zero_policy=none, shift_c=none) -%}
    {%- set zero_policy = zero_policy if zero_policy is not none else typed_var('index_zero_policy') -%}
    {%- set shift_c = shift_c if shift_c is not none else typed_var('index_shift_c') -%}
    {%- if zero_policy not in ['shift', 'shift_if_zero', 'limit'] -%}
        {{ exceptions.raise_compiler_error("normalize_min_max: zero_policy must be shift, shift_if_zero or limit, got '" ~ zero_policy ~ "' (var index_zero_policy)") }}
    {%- endif -%}
    {%- if (shift_c | float) <= 0 and zero_policy != 'limit' -%}
        {{ exceptions.raise_compiler_error("normalize_min_max: shift_c must be > 0, got " ~ shift_c ~ " (var index_shift_c)") }}
    {%- endif -%}
    {%- set partition_csv = partition_by | join(', ') -%}
    select
        ranged.*,
        {%- if zero_policy == 'shift' %}
        ranged.z + {{ shift_c }} as z_shifted,
        cast({{ shift_c }} as double) as shift_c
        {%- elif zero_policy == 'shift_if_zero' %}
        ranged.z + case
            when min(ranged.z) over (partition by {{ partition_csv }}) = 0 then {{ shift_c }}
            else 0.0
        end as z_shifted,
        case
            when min(ranged.z) over (partition by {{ partition_csv }}) = 0
                then cast({{ shift_c }} as double)
        end as shift_c
        {%- else %}
        ranged.z as z_shifted,
        cast(null as double) as shift_c
        {%- endif %}
    from (
        select
            bounded.*,
            bounded.max_value = bounded.min_value as is_zero_range,
            coalesce(bounded.{{ direction_column }} in ('+', '-'), false) as is_direction_valid,
            case
                when bounded.max_value = bounded.min_value then null
                when bounded.{{ direction_column }} = '+'
                    then (bounded.{{ value_column }} - bounded.min_value) / (bounded.max_value - bounded.min_value)
                when bounded.{{ direction_column }} = '-'
                    then (bounded.max_value - bounded.{{ value_column }}) / (bounded.max_value - bounded.min_value)
            end as z
        from (
            select
                src.*,
                min(src.{{ value_column }}) over (partition by {{ partition_csv }}) as min_value,
                max(src.{{ value_column }}) over (partition by {{ partition_csv }}) as max_value
            from {{ relation }} as src
        ) as bounded
    ) as ranged
{%- endmacro %}
