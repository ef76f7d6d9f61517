{#
    How staging reads a cell of a raw input file: the rule of var('cell_rules'), shared with
    the pre-flight (python/resilience/cells.py; tests/python/test_cells.py runs both on the
    same cells). Trim spaces and tabs; empty = null; a number must match the pattern whole
    (ASCII digits) and be finite, else null (the not_null / value tests then fail on it, and
    the pre-flight has already named its line); an integer likewise.
#}

{% macro input_text(expr) -%}
    nullif({{ trim_blanks('cast(' ~ expr ~ ' as string)') }}, '')
{%- endmacro %}

{% macro input_number(expr) -%}
    {%- set cell = input_text(expr) -%}
    (case
        when {{ full_match(cell, var("cell_rules")["number"]) }}
            and {{ is_finite('try_cast(' ~ cell ~ ' as double)') }}
            then try_cast({{ cell }} as double)
    end)
{%- endmacro %}

{% macro input_integer(expr) -%}
    {%- set cell = input_text(expr) -%}
    (case
        when {{ full_match(cell, var("cell_rules")["integer"]) }}
            then try_cast({{ cell }} as integer)
    end)
{%- endmacro %}

{# True when at least one of the columns holds a non-empty cell (a ",,," row is skipped). #}
{% macro input_row_present(columns) -%}
    ({% for col in columns %}{{ input_text(col) }} is not null{% if not loop.last %} or {% endif %}{% endfor %})
{%- endmacro %}
