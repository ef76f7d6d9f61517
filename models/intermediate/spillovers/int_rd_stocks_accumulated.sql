{#
    R&D capital stocks by the perpetual inventory method, one row per economy-year b..T
    (partner countries and provinces alike, int_rd_expenditures_deflated; b = the economy’s
    base year, T = the last year of its series), in the economy’s currency_unit at
    base-year prices.

        S_jb = RD_jb / (g_j + delta)                                    (int_rd_growth_rates_computed)
        S_jt = (1 - delta) S_j,t-1 + I_jt,   t > b,
        I_jt = RD_jt (var rd_gestation_lag = 0) or RD_j,t-1 (= 1: one-year gestation lag).

    Closed form used here. With lambda = 1 - delta, unrolling the recursion gives
        S_jt = lambda^(t-b) S_jb + sum_{s=b+1..t} lambda^(t-s) I_js.
    Put J_jb = S_jb and J_js = I_js for s > b; then S_jt = sum_{s=b..t} lambda^(t-s) J_js.
    Factor lambda^(t-s) = lambda^(T-s) / lambda^(T-t):
        S_jt = [ sum_{s=b..t} lambda^(T-s) J_js ] / lambda^(T-t),
    a running sum over years in one window (rows unbounded preceding), then one division.
    Every exponent is >= 0, so no factor exceeds 1 and nothing overflows (a base-anchored
    lambda^(-s) form grows without bound as delta -> 1); every term is positive, so the running
    sum is accurate to O((T-b) eps) relative. delta = 1 (lambda = 0) is excluded by the var check.
    A recursive CTE would give the same numbers row by row, but it is not portable (Spark < 4
    has none) and it is sequential; the window runs in one pass on any engine. It runs once
    per economy_kind, so that adding provinces leaves every partner’s stock bit-identical.
    The recursion’s invariant S_jt - (1 - delta) S_j,t-1 = I_jt > 0 is a data test.
#}
{%- set delta = typed_var('rd_depreciation') -%}
{%- set gestation_lag = typed_var('rd_gestation_lag') -%}

with

rd_real as (
    select * from {{ ref('int_rd_expenditures_deflated') }}
),

growth_rates as (
    select * from {{ ref('int_rd_growth_rates_computed') }}
),

inflows_dated as (
    select
        rd_real.economy_kind,
        rd_real.economy_code,
        rd_real.year,
        rd_real.currency_unit,
        rd_real.base_year,
        rd_real.rd_real,
        {%- if gestation_lag == 1 %}
        lag(rd_real.rd_real) over (partition by rd_real.economy_code order by rd_real.year) as rd_lagged,
        {%- else %}
        rd_real.rd_real as rd_lagged,
        {%- endif %}
        growth_rates.growth_rate,
        growth_rates.initial_stock,
        max(rd_real.year) over (partition by rd_real.economy_code) as last_year
    from rd_real
    inner join growth_rates
        on rd_real.economy_code = growth_rates.economy_code
),

terms_weighted as (
    select
        economy_kind,
        economy_code,
        year,
        currency_unit,
        base_year,
        rd_real,
        case when year > base_year then rd_lagged end as rd_inflow,
        growth_rate,
        initial_stock,
        last_year,
        power(1 - {{ delta }}, last_year - year)
        * case when year = base_year then initial_stock else rd_lagged end
            as weighted_term
    from inflows_dated
),

stocks_accumulated as (
    {#- one window per kind (the same expression, rendered twice): DuckDB sums a window frame
        from a tree over all the rows in the window, so the grouping of a partner’s terms, and
        the last bit of its stock, would depend on how many provinces sit beside it #}
    {%- for kind in ['country', 'province'] %}
    select
        economy_kind,
        economy_code,
        year,
        currency_unit,
        base_year,
        rd_real,
        rd_inflow,
        growth_rate,
        initial_stock,
        sum(weighted_term) over (
            partition by economy_code order by year rows between unbounded preceding and current row
        ) / power(1 - {{ delta }}, last_year - year) as rd_stock
    from terms_weighted
    where economy_kind = '{{ kind }}'
    {%- if not loop.last %}

    union all
    {% endif -%}
    {%- endfor %}
),

previous_stock_attached as (
    select
        *,
        lag(rd_stock) over (partition by economy_code order by year) as rd_stock_prev
    from stocks_accumulated
)

select * from previous_stock_attached
