{# purpose: ln(expr) per row, or a run-time error naming model, unit, year and variable when expr is missing or not positive (never a silent null, NaN or -inf). #}
{% macro safe_ln(expr, variable, unit_column='province_code', year_column='year') -%}
    {%- set model_name = model.name if model is defined and model.name is defined else 'safe_ln' -%}
    case
        when ({{ expr }}) > 0 then ln({{ expr }})
        else {{ raise_error(
            "'" ~ model_name ~ ": " ~ variable ~ " = ln(" ~ (expr | replace("'", "''")) ~ ") is undefined for unit '
            || coalesce(cast(" ~ unit_column ~ " as string), '?')
            || ', year ' || coalesce(cast(" ~ year_column ~ " as string), '?')
            || ': the value is ' || coalesce(cast((" ~ expr ~ ") as string), 'missing')
            || ' (it must be present and positive); check the input row.'"
        ) }}
    end
{%- endmacro %}
