{# A one-column relation (year) holding every integer year from first_year to last_year, inclusive. #}
{% macro year_spine(first_year, last_year) -%}
    {{ return(adapter.dispatch('year_spine', 'resilience_warehouse')(first_year, last_year)) }}
{%- endmacro %}

{% macro default__year_spine(first_year, last_year) -%}
    (select explode(sequence({{ first_year }}, {{ last_year }})) as year)
{%- endmacro %}

{% macro duckdb__year_spine(first_year, last_year) -%}
    (select cast(range as integer) as year from range({{ first_year }}, {{ last_year }} + 1))
{%- endmacro %}
