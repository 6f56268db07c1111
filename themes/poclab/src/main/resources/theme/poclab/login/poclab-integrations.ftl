<#-- The Integrations page (/realms/master/poclab-integrations/), rendered by IntegrationsResource. -->
<#macro copyField id label value>
  <div class="poclab-field">
    <span class="pf-v5-c-form__label" id="${id}-label"><span class="pf-v5-c-form__label-text">${label}</span></span>
    <div class="poclab-copy-row">
      <code class="poclab-value poclab-mono" id="${id}" aria-labelledby="${id}-label">${value}</code>
      <button type="button" class="pf-v5-c-button pf-m-secondary poclab-copy" data-copy="${id}" aria-label="${msg("integrations.copyLabel", label)}">${msg("integrations.copy")}</button>
    </div>
  </div>
</#macro>
<#macro fieldError card field>
  <#if card.errors[field]??>
    <p class="poclab-error" id="${field}-error" role="alert">${card.errors[field]}</p>
  </#if>
</#macro>
<#macro checks card id>
  <#if card.checks??>
    <section class="poclab-checks" aria-labelledby="${id}-title">
      <h4 id="${id}-title">${msg("integrations.checkResults")}</h4>
      <ul id="${id}">
        <#list card.checks as c>
          <li class="${c.passed?then('poclab-pass', 'poclab-fail')}">
            <strong>${c.passed?then(msg("integrations.pass"), msg("integrations.fail"))}</strong> ${c.rule}
            <#if c.detail??><span class="poclab-detail">(${c.detail})</span></#if>
            <#if !c.passed && c.fix??><br><span class="poclab-fix">${msg("integrations.fix")} ${c.fix}</span></#if>
          </li>
        </#list>
      </ul>
    </section>
  </#if>
</#macro>
<#macro peopleUpload realmName>
  <section class="poclab-people" id="${realmName}-people" aria-labelledby="${realmName}-people-title">
    <h3 id="${realmName}-people-title">${msg("integrations.people.title")}</h3>
    <p class="poclab-help" id="${realmName}-people-help">${msg("integrations.people.help." + realmName)} ${msg("integrations.people.limits")}</p>
    <form id="${realmName}-people-form" method="post" action="${pageUrl}people/${realmName}#${realmName}-people" enctype="multipart/form-data">
      <input type="hidden" name="csrf" value="${csrf}">
      <label class="pf-v5-c-form__label" for="${realmName}-people-file"><span class="pf-v5-c-form__label-text">${msg("integrations.people.file")}</span></label>
      <input class="pf-v5-c-form-control" id="${realmName}-people-file" name="people" type="file" accept=".csv,text/csv" required aria-describedby="${realmName}-people-help">
      <button type="submit" class="pf-v5-c-button pf-m-secondary" id="${realmName}-people-import">${msg("integrations.people.import")}</button>
    </form>
    <#if people?? && people.realm == realmName>
      <#if people.refusal??>
        <p class="poclab-error" id="${realmName}-people-refused" role="alert">${people.refusal}</p>
      <#else>
        <#assign report = people.report>
        <p id="${realmName}-people-summary" role="status">${msg("integrations.people.summary", report.created?c, report.updated?c, report.unchanged?c, report.errors?c)}</p>
        <table class="pf-v5-c-table pf-m-compact poclab-people-report" id="${realmName}-people-report">
          <caption class="poclab-sr-only">${msg("integrations.people.reportCaption")}</caption>
          <thead><tr><th scope="col">${msg("integrations.people.line")}</th><th scope="col">${msg("integrations.people.upn")}</th><th scope="col">${msg("integrations.people.status")}</th><th scope="col">${msg("integrations.people.message")}</th></tr></thead>
          <tbody>
          <#list report.lines as l>
            <tr class="poclab-people-${l.status}"><td>${l.line?c}</td><td class="poclab-mono">${l.upn!""}</td><td>${msg("integrations.people.status." + l.status)}</td><td>${l.message!""}</td></tr>
          </#list>
          </tbody>
        </table>
      </#if>
    </#if>
  </section>
</#macro>
<!DOCTYPE html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${msg("integrations.title")} · POCLAB Trust</title>
  <link href="${url.resourcesCommonPath}/vendor/patternfly-v5/patternfly.min.css" rel="stylesheet">
  <link href="${url.resourcesPath}/css/poclab.css" rel="stylesheet">
  <script src="${url.resourcesPath}/js/poclab-integrations.js" defer></script>
</head>
<body class="poclab-integrations" data-page-id="${pageId}">
<a class="poclab-skip" href="#poclab-main">${msg("integrations.skip")}</a>
<header class="poclab-topbar">
  <span class="poclab-brand">POCLAB Trust</span>
  <span class="poclab-user">${msg("integrations.signedInAs", adminName)} · <a href="${logoutUrl}">${msg("integrations.signOut")}</a></span>
</header>
<main id="poclab-main" class="poclab-page">
  <h1 id="integrations-title">${msg("integrations.title")}</h1>
  <p class="poclab-lead">${msg("integrations.lead")}</p>

  <#if refusal??>
    <div class="pf-v5-c-alert pf-m-danger" role="alert" id="integrations-refused">
      <p class="pf-v5-c-alert__title">${msg(refusal)}</p>
      <p><a href="${pageUrl}">${msg("integrations.backToPage")}</a></p>
    </div>
  <#else>
  <#if notice??>
    <div class="pf-v5-c-alert pf-m-info" role="status" id="integrations-notice"><p class="pf-v5-c-alert__title">${msg(notice)}</p></div>
  </#if>

  <nav class="poclab-overview" aria-label="${msg("integrations.title")}">
    <a class="poclab-tile" href="#entra-card"><strong>${msg("integrations.entra.tile")}</strong><span>${msg("integrations.entra.tileText")}</span></a>
    <a class="poclab-tile" href="#okta-card"><strong>${msg("integrations.okta.tile")}</strong><span>${msg("integrations.okta.tileText")}</span></a>
  </nav>

  <section class="poclab-card" id="entra-card" aria-labelledby="entra-title">
    <h2 id="entra-title">${msg("integrations.entra.title")}</h2>
    <p>${msg("integrations.entra.intro")}</p>
    <#if entra??>
    <form id="entra-form" method="post" action="${pageUrl}entra" novalidate>
      <input type="hidden" name="csrf" value="${csrf}">
      <div class="poclab-field">
        <label class="pf-v5-c-form__label" for="entra-tenants"><span class="pf-v5-c-form__label-text">${msg("integrations.entra.tenant")}</span></label>
        <textarea class="pf-v5-c-form-control poclab-mono" id="entra-tenants" name="tenants" rows="2" spellcheck="false" placeholder="${msg("integrations.entra.tenantPlaceholder")}"
                  aria-describedby="entra-tenants-help<#if entra.errors['tenants']??> tenants-error</#if>"<#if entra.errors['tenants']??> aria-invalid="true"</#if>>${entra.tenants}</textarea>
        <p class="poclab-help" id="entra-tenants-help">${msg("integrations.entra.tenantHelp")} <a href="${entra.azurePortalUrl}" target="_blank" rel="noopener noreferrer">${msg("integrations.entra.openPortal")}</a></p>
        <@fieldError card=entra field="tenants"/>
      </div>
      <div class="poclab-field">
        <label class="pf-v5-c-form__label" for="entra-app-id"><span class="pf-v5-c-form__label-text">${msg("integrations.entra.appId")}</span></label>
        <input class="pf-v5-c-form-control poclab-mono" id="entra-app-id" name="app_id" type="text" value="${entra.appId}" spellcheck="false"
               aria-describedby="entra-app-id-help<#if entra.errors['appId']??> appId-error</#if>"<#if entra.errors['appId']??> aria-invalid="true"</#if>>
        <p class="poclab-help" id="entra-app-id-help">${msg("integrations.entra.appIdHelp", entra.clientId)}</p>
        <@fieldError card=entra field="appId"/>
      </div>
      <button type="submit" class="pf-v5-c-button pf-m-primary" id="entra-save">${msg("integrations.save")}</button>
    </form>
    <@copyField id="entra-client-id" label=msg("integrations.entra.clientId") value=entra.clientId/>
    <@copyField id="entra-discovery" label=msg("integrations.discoveryUrl") value=entra.urls.discoveryUrl/>
    <@copyField id="entra-jwks" label=msg("integrations.jwksUrl") value=entra.urls.jwksUrl/>
    <h3>${msg("integrations.entra.checklist")}</h3>
    <p>${msg("integrations.entra.checklistIntro")}</p>
    <ol class="poclab-checklist">
      <li>${msg("integrations.entra.step1")}</li>
      <li>${msg("integrations.entra.step2")}</li>
      <li>${msg("integrations.entra.step3")}</li>
      <li>${msg("integrations.entra.step4")}</li>
    </ol>
    <form id="entra-check-form" method="post" action="${pageUrl}entra/check">
      <input type="hidden" name="csrf" value="${csrf}">
      <button type="submit" class="pf-v5-c-button pf-m-secondary" id="entra-check">${msg("integrations.check")}</button>
    </form>
    <@checks card=entra id="entra-checks"/>
    <section class="poclab-account-sign-in" id="entra-account" aria-labelledby="entra-account-title">
      <h3 id="entra-account-title">${msg("integrations.entra.account.title")}</h3>
      <p class="poclab-help" id="entra-account-help">${msg("integrations.entra.account.help")}</p>
      <p id="entra-account-status" role="status"><#if entra.account.configured>${msg(entra.account.enabled?then("integrations.entra.account.on", "integrations.entra.account.disabled"), entra.account.accountConsoleUrl)}<#else>${msg("integrations.entra.account.off")}</#if></p>
      <@copyField id="entra-account-redirect-uri" label=msg("integrations.entra.account.redirectUri") value=entra.account.redirectUri/>
      <form id="entra-account-form" method="post" action="${pageUrl}entra/account#entra-account" novalidate autocomplete="off">
        <input type="hidden" name="csrf" value="${csrf}">
        <@fieldError card=entra field="accountFlows"/>
        <div class="poclab-field">
          <label class="pf-v5-c-form__label" for="entra-account-tenant"><span class="pf-v5-c-form__label-text">${msg("integrations.entra.account.tenant")}</span></label>
          <input class="pf-v5-c-form-control poclab-mono" id="entra-account-tenant" name="account_tenant" type="text" value="${entra.account.tenant}" spellcheck="false"
                 <#if entra.errors['accountTenant']??>aria-describedby="accountTenant-error" aria-invalid="true"</#if>>
          <@fieldError card=entra field="accountTenant"/>
        </div>
        <div class="poclab-field">
          <label class="pf-v5-c-form__label" for="entra-account-client-id"><span class="pf-v5-c-form__label-text">${msg("integrations.entra.account.clientId")}</span></label>
          <input class="pf-v5-c-form-control poclab-mono" id="entra-account-client-id" name="account_client_id" type="text" value="${entra.account.clientId}" spellcheck="false"
                 <#if entra.errors['accountClientId']??>aria-describedby="accountClientId-error" aria-invalid="true"</#if>>
          <@fieldError card=entra field="accountClientId"/>
        </div>
        <div class="poclab-field">
          <label class="pf-v5-c-form__label" for="entra-account-secret"><span class="pf-v5-c-form__label-text">${msg("integrations.entra.account.secret")}</span></label>
          <input class="pf-v5-c-form-control poclab-mono" id="entra-account-secret" name="account_secret" type="password" value="" autocomplete="new-password" spellcheck="false"
                 aria-describedby="entra-account-secret-help<#if entra.errors['accountSecret']??> accountSecret-error</#if>"<#if entra.errors['accountSecret']??> aria-invalid="true"</#if>>
          <p class="poclab-help" id="entra-account-secret-help">${msg(entra.account.secretSet?then("integrations.entra.account.secretKept", "integrations.entra.account.secretHelp"))}</p>
          <@fieldError card=entra field="accountSecret"/>
        </div>
        <button type="submit" class="pf-v5-c-button pf-m-secondary" id="entra-account-save">${msg("integrations.entra.account.save")}</button>
      </form>
    </section>
    <#if peopleEam><@peopleUpload realmName="eam"/></#if>
    <#else>
    <p class="poclab-help">${msg("integrations.notYours", "eam")}</p>
    </#if>
  </section>

  <section class="poclab-card" id="okta-card" aria-labelledby="okta-title">
    <h2 id="okta-title">${msg("integrations.okta.title")}</h2>
    <p>${msg("integrations.okta.intro")}</p>
    <#if okta??>
    <form id="okta-form" method="post" action="${pageUrl}okta" novalidate>
      <input type="hidden" name="csrf" value="${csrf}">
      <div class="poclab-field">
        <label class="pf-v5-c-form__label" for="okta-org-url"><span class="pf-v5-c-form__label-text">${msg("integrations.okta.orgUrl")}</span></label>
        <input class="pf-v5-c-form-control poclab-mono" id="okta-org-url" name="org_url" type="url" value="${okta.orgUrl}" placeholder="https://acme.okta.com" spellcheck="false"
               aria-describedby="okta-org-url-help<#if okta.errors['orgUrl']??> orgUrl-error</#if>"<#if okta.errors['orgUrl']??> aria-invalid="true"</#if>>
        <p class="poclab-help" id="okta-org-url-help">${msg("integrations.okta.orgUrlHelp")}</p>
        <@fieldError card=okta field="orgUrl"/>
      </div>
      <div class="poclab-field">
        <label class="pf-v5-c-form__label" for="okta-custom-domains"><span class="pf-v5-c-form__label-text">${msg("integrations.okta.customDomains")}</span></label>
        <textarea class="pf-v5-c-form-control poclab-mono" id="okta-custom-domains" name="custom_domains" rows="2" spellcheck="false"
                  aria-describedby="okta-custom-domains-help<#if okta.errors['customDomains']??> customDomains-error</#if>"<#if okta.errors['customDomains']??> aria-invalid="true"</#if>>${okta.customDomains}</textarea>
        <p class="poclab-help" id="okta-custom-domains-help">${msg("integrations.okta.customDomainsHelp")}</p>
        <@fieldError card=okta field="customDomains"/>
      </div>
      <button type="submit" class="pf-v5-c-button pf-m-primary" id="okta-save">${msg("integrations.save")}</button>
    </form>
    <@copyField id="okta-client-id" label=msg("integrations.okta.clientId") value=okta.clientId/>
    <div class="poclab-field" id="okta-secret-field">
      <#if okta.newSecret??>
        <@copyField id="okta-secret" label=msg("integrations.okta.secret") value=okta.newSecret/>
        <p class="poclab-warning" id="okta-secret-once" role="status">${msg("integrations.okta.secretShownOnce")}</p>
      <#else>
        <span class="pf-v5-c-form__label"><span class="pf-v5-c-form__label-text" id="okta-secret-label">${msg("integrations.okta.secret")}</span></span>
        <p class="poclab-mono" id="okta-secret-state" aria-labelledby="okta-secret-label">
          <#if okta.secretGenerated>${msg("integrations.okta.secretHidden", okta.secretGeneratedAt)}<#else>${msg("integrations.okta.secretNone")}</#if>
        </p>
      </#if>
      <p class="poclab-help" id="okta-secret-help">${msg("integrations.okta.secretHelp")}</p>
      <form id="okta-secret-form" method="post" action="${pageUrl}okta/secret">
        <input type="hidden" name="csrf" value="${csrf}">
        <input type="hidden" name="once" value="${once}">
        <button type="submit" class="pf-v5-c-button pf-m-secondary" id="okta-regenerate" aria-describedby="okta-regenerate-help">
          ${okta.secretGenerated?then(msg("integrations.okta.regenerate"), msg("integrations.okta.generate"))}
        </button>
        <span class="poclab-help" id="okta-regenerate-help">${msg("integrations.okta.regenerateHelp")}</span>
      </form>
    </div>
    <@copyField id="okta-discovery" label=msg("integrations.discoveryUrl") value=okta.urls.discoveryUrl/>
    <@copyField id="okta-authorize" label=msg("integrations.okta.authorizeUrl") value=okta.urls.authorizeUrl/>
    <@copyField id="okta-token" label=msg("integrations.okta.tokenUrl") value=okta.urls.tokenUrl/>
    <@copyField id="okta-jwks" label=msg("integrations.jwksUrl") value=okta.urls.jwksUrl/>
    <h3>${msg("integrations.okta.checklist")}</h3>
    <p>${msg("integrations.okta.checklistIntro")}</p>
    <ol class="poclab-checklist">
      <li>${msg("integrations.okta.step1")}</li>
      <li>${msg("integrations.okta.step2")}</li>
      <li>${msg("integrations.okta.step3")}</li>
      <li>${msg("integrations.okta.step4")}</li>
    </ol>
    <form id="okta-check-form" method="post" action="${pageUrl}okta/check">
      <input type="hidden" name="csrf" value="${csrf}">
      <button type="submit" class="pf-v5-c-button pf-m-secondary" id="okta-check">${msg("integrations.check")}</button>
    </form>
    <@checks card=okta id="okta-checks"/>
    <#if peopleOkta><@peopleUpload realmName="okta"/></#if>
    <#else>
    <p class="poclab-help">${msg("integrations.notYours", "okta")}</p>
    </#if>
  </section>
  </#if>
  <p class="poclab-sr-only" aria-live="polite" id="poclab-live"></p>
</main>
</body>
</html>
