with

source as (
    -- depends_on: {{ source('inputs', 'province_accounts') }}
    select * from {{ read_external_table(var('province_accounts_path')) }}
),

typed as (
    select
        {{ input_text('province_code') }} as province_code,
        {{ input_integer('year') }} as year,
        {{ input_number('gdp_cny_100mn') }} as gdp_cny_100mn,
        {{ input_number('gdp_index_prev_year') }} as gdp_index_prev_year,
        {{ input_number('population_10k') }} as population_10k,
        {{ input_number('exports_usd_mn') }} as exports_usd_mn,
        {{ input_number('imports_usd_mn') }} as imports_usd_mn,
        {{ input_number('fdi_inflow_usd_mn') }} as fdi_inflow_usd_mn,
        {{ input_number('ofdi_usd_mn') }} as ofdi_usd_mn,
        {{ input_number('foreign_capital_used_usd_mn') }} as foreign_capital_used_usd_mn,
        {{ input_number('fiscal_expenditure_cny_100mn') }} as fiscal_expenditure_cny_100mn,
        {{ input_number('education_expenditure_cny_100mn') }} as education_expenditure_cny_100mn,
        {{ input_number('telecom_business_cny_100mn') }} as telecom_business_cny_100mn,
        {{ input_number('higher_ed_students_10k') }} as higher_ed_students_10k,
        {{ input_number('medical_institutions') }} as medical_institutions,
        {{ input_number('tech_contract_turnover_cny_100mn') }} as tech_contract_turnover_cny_100mn,
        {{ input_number('tertiary_value_added_cny_100mn') }} as tertiary_value_added_cny_100mn,
        {{ input_number('rd_expenditure_cny_100mn') }} as rd_expenditure_cny_100mn
    from source
    where {{ input_row_present([
        'province_code', 'year', 'gdp_cny_100mn', 'gdp_index_prev_year',
        'population_10k', 'exports_usd_mn', 'imports_usd_mn', 'fdi_inflow_usd_mn',
        'ofdi_usd_mn', 'foreign_capital_used_usd_mn', 'fiscal_expenditure_cny_100mn',
        'education_expenditure_cny_100mn', 'telecom_business_cny_100mn',
        'higher_ed_students_10k', 'medical_institutions',
        'tech_contract_turnover_cny_100mn', 'tertiary_value_added_cny_100mn',
        'rd_expenditure_cny_100mn'
    ]) }}
)

select * from typed
