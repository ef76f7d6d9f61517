{# purpose: text with its braces doubled, for a meta message template whose only placeholders are the fields of the failing row. #}
{% macro message_literal(text) -%}
    {{- return((text | string) | replace('{', '{{') | replace('}', '}}')) -}}
{%- endmacro %}
