with

source as (
    select * from {{ source('inputs', 'province_accounts') }}
),

typed as (
    select
        cast(province_code as varchar) as province_code,
        cast(year as integer) as year,
        cast(gdp_cny_100mn as double) as gdp_cny_100mn,
        cast(gdp_index_prev_year as double) as gdp_index_prev_year,
        cast(population_10k as double) as population_10k,
        cast(exports_usd_mn as double) as exports_usd_mn,
        cast(imports_usd_mn as double) as imports_usd_mn,
        cast(fdi_inflow_usd_mn as double) as fdi_inflow_usd_mn,
        cast(ofdi_usd_mn as double) as ofdi_usd_mn,
        cast(foreign_capital_used_usd_mn as double) as foreign_capital_used_usd_mn,
        cast(fiscal_expenditure_cny_100mn as double) as fiscal_expenditure_cny_100mn,
        cast(education_expenditure_cny_100mn as double) as education_expenditure_cny_100mn,
        cast(telecom_business_cny_100mn as double) as telecom_business_cny_100mn,
        cast(higher_ed_students_10k as double) as higher_ed_students_10k,
        cast(medical_institutions as double) as medical_institutions,
        cast(tech_contract_turnover_cny_100mn as double) as tech_contract_turnover_cny_100mn,
        cast(tertiary_value_added_cny_100mn as double) as tertiary_value_added_cny_100mn,
        cast(rd_expenditure_cny_100mn as double) as rd_expenditure_cny_100mn
    from source
)

select * from typed
