{#
    Fails with one row when the index a panel is built from (var '<role>_index', e.g.
    export_panel_index = 'dataflow') is not an index of the indicator system (`systems`, a
    relation with a column index_name): the panel's
    index columns would be empty in every row while every other test passes. Attached to
    the panel model, so it is skipped with the panel (resilience build --inputs without an
    input the panel needs).
#}
{% test index_role_defined(model, role, systems) %}
{{ config(meta={'message': "var {var_name}={index_name} names an index that the indicator system does not define, so the panel's index columns would be empty; define that index in the indicator system (--system FILE), or set --var {var_name}=<an index of the system>"}) }}

with

defined as (
    select distinct index_name from {{ systems }}
),

named as (
    select
        '{{ role }}_index' as var_name,
        {{ index_role(role) }} as index_name,
        (select count(*) from {{ model }}) as panel_rows
)

select named.*
from named
where named.index_name not in (select defined.index_name from defined)

{% endtest %}
