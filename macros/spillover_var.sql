{# purpose: the value of one R&D-stock / spillover / Chen-panel / Martin var from dbt_project.yml, checked against its allowed values (a compile error names the var, the value and what is allowed). #}
{% macro spillover_var(name) -%}
    {%- set raw = var(name) -%}
    {%- set years = ['rd_base_year', 'chen_first_year', 'chen_last_year',
                     'martin_shock_start', 'martin_shock_end', 'martin_recovery_end'] -%}
    {%- if name in years -%}
        {%- set value = raw | int(-1) -%}
        {%- if (raw | string | trim) != (value | string) or value < 1900 or value > 2100 -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ " = " ~ raw ~ ": expected a calendar year (an integer such as 2003).") }}
        {%- endif -%}
    {%- elif name == 'rd_depreciation' -%}
        {%- set value = raw | float(-1.0) -%}
        {%- if value < 0 or value >= 1 -%}
            {{ exceptions.raise_compiler_error("var rd_depreciation = " ~ raw ~ ": expected a rate in [0, 1), e.g. 0.10.") }}
        {%- endif -%}
    {%- elif name == 'rd_growth_method' -%}
        {%- set value = raw | string | trim -%}
        {%- if value not in ['geometric', 'log_mean'] -%}
            {{ exceptions.raise_compiler_error("var rd_growth_method = " ~ raw ~ ": expected geometric or log_mean.") }}
        {%- endif -%}
    {%- elif name == 'rd_gestation_lag' -%}
        {%- set value = raw | int(-1) -%}
        {%- if (raw | string | trim) not in ['0', '1'] -%}
            {{ exceptions.raise_compiler_error("var rd_gestation_lag = " ~ raw ~ ": expected 0 (no lag) or 1 (one-year gestation lag).") }}
        {%- endif -%}
    {%- elif name == 'spillover_denominator' -%}
        {%- set value = raw | string | trim -%}
        {%- if value not in ['gdp', 'gfcf'] -%}
            {{ exceptions.raise_compiler_error("var spillover_denominator = " ~ raw ~ ": expected gdp or gfcf.") }}
        {%- endif -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("spillover_var: unknown var " ~ name ~ ".") }}
    {%- endif -%}
    {%- if name == 'chen_last_year' and value < spillover_var('chen_first_year') -%}
        {{ exceptions.raise_compiler_error("var chen_last_year = " ~ value ~ " is before chen_first_year.") }}
    {%- endif -%}
    {%- if name == 'martin_shock_end' and value <= spillover_var('martin_shock_start') -%}
        {{ exceptions.raise_compiler_error("var martin_shock_end = " ~ value ~ " must be after martin_shock_start.") }}
    {%- endif -%}
    {%- if name == 'martin_recovery_end' and value <= spillover_var('martin_shock_end') -%}
        {{ exceptions.raise_compiler_error("var martin_recovery_end = " ~ value ~ " must be after martin_shock_end.") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
