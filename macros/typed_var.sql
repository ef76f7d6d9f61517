{# purpose: the value of a dbt var typed and checked by its rule in var_rules (dbt_project.yml), so `--vars` given as strings works; a bad value is a compile error naming var, value and what is allowed. #}
{% macro typed_var(name) -%}
    {%- set rules = var('var_rules', {}) -%}
    {%- set raw = var(name) -%}
    {%- if name in rules -%}
        {%- set rule = rules[name] -%}
    {%- elif name.endswith('_path') -%}
        {%- set rule = {'type': 'path'} -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("typed_var: var " ~ name ~ " has no rule; add it to var_rules in dbt_project.yml.") }}
    {%- endif -%}
    {%- set kind = rule['type'] -%}
    {%- set text = raw | string | trim -%}
    {%- set shown = 'var ' ~ name ~ '=' ~ text -%}
    {%- if kind == 'path' -%}
        {%- if raw is none or text in ['', 'none', 'null'] -%}
            {{ return(none) }}
        {%- endif -%}
        {%- if "'" in text or '"' in text -%}
            {{ exceptions.raise_compiler_error(shown ~ ": the path contains a quote character; rename the file") }}
        {%- endif -%}
        {{ return(text) }}
    {%- elif kind == 'bool' -%}
        {%- if raw is boolean -%}
            {%- set value = raw -%}
        {%- elif text | lower in ['true', 'false'] -%}
            {%- set value = (text | lower) == 'true' -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(shown ~ ": expected true or false") }}
        {%- endif -%}
    {%- elif kind == 'enum' -%}
        {%- if raw is boolean or text not in rule['values'] -%}
            {{ exceptions.raise_compiler_error(shown ~ ": expected one of " ~ rule['values'] | join(', ')) }}
        {%- endif -%}
        {%- set value = text -%}
    {%- elif kind in ['int', 'year'] -%}
        {%- if raw is boolean or not modules.re.fullmatch(var('cell_rules')['integer'], text) -%}
            {{ exceptions.raise_compiler_error(shown ~ ": expected " ~ ('a year (an integer such as 2003)' if kind == 'year' else 'an integer')) }}
        {%- endif -%}
        {%- set value = text | int -%}
        {%- if kind == 'year' and (value < 1900 or value > 2100) -%}
            {{ exceptions.raise_compiler_error(shown ~ ": expected a year (an integer such as 2003)") }}
        {%- endif -%}
    {%- elif kind == 'float' -%}
        {%- if raw is boolean or not modules.re.fullmatch(var('cell_rules')['number'], text) -%}
            {{ exceptions.raise_compiler_error(shown ~ ": expected a finite number") }}
        {%- endif -%}
        {%- set value = text | float -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("typed_var: var " ~ name ~ " has an unknown rule type " ~ kind ~ " in var_rules.") }}
    {%- endif -%}
    {#- bounds: [min, max], open where min_exclusive / max_exclusive -#}
    {%- set low, high = rule.get('min'), rule.get('max') -%}
    {%- set low_open, high_open = rule.get('min_exclusive', false), rule.get('max_exclusive', false) -%}
    {%- set below = low is not none and (value < low or (low_open and value == low)) -%}
    {%- set above = high is not none and (value > high or (high_open and value == high)) -%}
    {%- if below or above -%}
        {%- if low is not none and high is not none -%}
            {%- set allowed = 'lie in ' ~ ('(' if low_open else '[') ~ low ~ ', ' ~ high ~ (')' if high_open else ']') -%}
        {%- elif low is not none -%}
            {%- set allowed = 'be ' ~ ('>' if low_open else '>=') ~ ' ' ~ low -%}
        {%- else -%}
            {%- set allowed = 'be ' ~ ('<' if high_open else '<=') ~ ' ' ~ high -%}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(shown ~ " must " ~ allowed) }}
    {%- endif -%}
    {#- order between year vars -#}
    {%- if rule.get('after') is not none and value <= typed_var(rule['after']) -%}
        {{ exceptions.raise_compiler_error(shown ~ " must be after " ~ rule['after'] ~ "=" ~ typed_var(rule['after'])) }}
    {%- endif -%}
    {%- if rule.get('not_before') is not none and value < typed_var(rule['not_before']) -%}
        {{ exceptions.raise_compiler_error(shown ~ " must not be before " ~ rule['not_before'] ~ "=" ~ typed_var(rule['not_before'])) }}
    {%- endif -%}
    {%- if rule.get('not_after') is not none and value > typed_var(rule['not_after']) -%}
        {{ exceptions.raise_compiler_error(shown ~ " must not be after " ~ rule['not_after'] ~ "=" ~ typed_var(rule['not_after'])) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
