{#
    Coupling coordination degree of the dimensions of every composite index (macro
    coupling_coordination; formulas and grade bands there). One row per index-unit-year,
    for indices with two or more dimensions. The subsystems are the dimension sub-scores
    on their own 0-1 scale, U_d:
        arithmetic, sum form     U_d = score_d / sum_{k in d} w_k   (the renormalised form)
        otherwise                U_d = score_d  (renormalised, geometric or TOPSIS
                                                 dimension scores are already 0-1)
    C = m [prod U_d / (sum U_d)^m]^(1/m), T = sum alpha_d U_d, D = sqrt(C T), with
    alpha (var index_coupling_alpha) equal, 1/m, or weight, the dimension’s share of the
    index weights (sum_{k in d} w_k / sum_k w_k). A z-score index has negative sub-scores:
    C, T and D are then null (no real root).
#}
{%- set alpha = typed_var('index_coupling_alpha') %}

with

index_scores as (
    select * from {{ ref('int_index_scores_computed') }}
),

subsystems_scaled as (
    select
        index_name,
        unit_id,
        year,
        dimension,
        scope,
        normalisation,
        weighting,
        aggregation,
        case
            when aggregation = 'arithmetic' and subscore_form = 'sum'
                then score / dimension_weight
            else score
        end as subsystem_score,
        dimension_weight
        / {{ ordered_aggregate('sum', 'dimension_weight', 'dimension') }} over (
            partition by index_name, unit_id, year
        ) as alpha
    from index_scores
    where dimension <> 'total'
),

coordination_computed as (
    {{ coupling_coordination(
        'subsystems_scaled', ['index_name', 'unit_id', 'year'], 'dimension',
        value_column='subsystem_score', alpha_column=('alpha' if alpha == 'weight' else none)
    ) }}
),

settings_attached as (
    select distinct
        index_name,
        unit_id,
        year,
        scope,
        normalisation,
        weighting,
        aggregation
    from subsystems_scaled
),

coordination_described as (
    select
        coordination_computed.index_name,
        coordination_computed.unit_id,
        coordination_computed.year,
        coordination_computed.n_systems,
        coordination_computed.has_zero,
        coordination_computed.coupling,
        coordination_computed.development,
        coordination_computed.coordination,
        coordination_computed.grade_level,
        coordination_computed.grade,
        '{{ alpha }}' as alpha_form,
        coordination_computed.alpha_sum,
        settings_attached.scope,
        settings_attached.normalisation,
        settings_attached.weighting,
        settings_attached.aggregation
    from coordination_computed
    inner join settings_attached
        on coordination_computed.index_name = settings_attached.index_name
        and coordination_computed.unit_id = settings_attached.unit_id
        and coordination_computed.year = settings_attached.year
    where coordination_computed.n_systems >= 2
)

select * from coordination_described
