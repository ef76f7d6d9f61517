{# purpose: numerator / denominator per row, or a run-time error naming model, unit, year and indicator when an input is missing or the denominator is not positive (never a silent inf, NaN or null). #}
{% macro checked_ratio(numerator, denominator, indicator, hint='', unit_column='province_code', year_column='year') -%}
    {%- set model_name = model.name if model is defined and model.name is defined else 'checked_ratio' -%}
    case
        when ({{ numerator }}) is not null and ({{ denominator }}) > 0
            then ({{ numerator }}) / ({{ denominator }})
        else {{ raise_error(
            "'" ~ model_name ~ ": indicator " ~ indicator ~ " cannot be computed for province '
            || coalesce(cast(" ~ unit_column ~ " as string), '?')
            || ', year ' || coalesce(cast(" ~ year_column ~ " as string), '?')
            || ': numerator " ~ (numerator | replace("'", "''")) ~ " = '
            || coalesce(cast((" ~ numerator ~ ") as string), 'missing')
            || ', denominator " ~ (denominator | replace("'", "''")) ~ " = '
            || coalesce(cast((" ~ denominator ~ ") as string), 'missing')
            || ' (both must be present and the denominator positive). " ~ (hint | replace("'", "''")) ~ "'"
        ) }}
    end
{%- endmacro %}
