<#-- keycloak.v2's footer hook, on every login page: on POCLAB verification pages it says who asks to verify whom, offers a recovery code to a person who holds some, and offers Cancel. -->
<#macro content>
<#assign verificationPages = ["login-otp", "webauthn-authenticate", "login-config-totp", "login-username", "login-recovery-authn-code-input", "login-recovery-authn-code-config"]>
<#if pageId?? && verificationPages?seq_contains(pageId) && realm.name != "master" && url.loginRestartFlowUrl??>
  <#-- Flow pages know the person from the flow; the TOTP setup (a required action) only from its own bean. -->
  <#assign person = "">
  <#if auth?? && auth.attemptedUsername??><#assign person = auth.attemptedUsername></#if>
  <#if !person?has_content && totp?? && totp.username??><#assign person = totp.username></#if>
  <#-- The organization is named after the person's domain (alice@contoso.com -> Contoso): the only name the page knows. -->
  <#assign domain = person?contains("@")?then(person?keep_after_last("@"), "")>
  <#assign organization = domain?has_content?then(domain?keep_before(".")?cap_first, msg("poclab.yourOrganization"))>
  <#assign what = {"login-otp": "poclab.whatOtp", "webauthn-authenticate": "poclab.whatWebauthn", "login-config-totp": "poclab.whatTotpSetup", "login-username": "poclab.whatUsername", "login-recovery-authn-code-input": "poclab.whatRecoveryCode", "login-recovery-authn-code-config": "poclab.whatRecoveryCodesSetup"}>
  <section id="poclab-verification" class="poclab-verification" aria-labelledby="poclab-requires">
    <p id="poclab-requires" class="poclab-requires"><#if person?has_content>${msg("poclab.requires", organization, person)}<#else>${msg("poclab.requiresNoPerson", organization)}</#if></p>
    <p id="poclab-what">${msg(what[pageId])}</p>
    <#-- Keycloak offers the recovery code form (an alternative of the factor sub-flow) only to a person holding codes; posting its execution switches to it. -->
    <#if auth?? && (pageId == "login-otp" || pageId == "webauthn-authenticate")>
      <#list auth.authenticationSelections as selection>
        <#if selection.authenticationExecution.authenticator == "auth-recovery-authn-code-form">
          <form id="poclab-recovery-form" action="${url.loginAction}" method="post">
            <input type="hidden" name="authenticationExecution" value="${selection.authExecId}"/>
            <button type="submit" id="poclab-use-recovery-code" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" aria-describedby="poclab-recovery-help">${msg("poclab.useRecoveryCode")}</button>
            <p id="poclab-recovery-help" class="poclab-cancel-help">${msg("poclab.useRecoveryCodeHelp")}</p>
          </form>
        </#if>
      </#list>
    </#if>
    <form id="poclab-cancel-form" action="${url.loginRestartFlowUrl?replace("/login-actions/restart", "/poclab/cancel")}" method="post">
      <button type="submit" id="poclab-cancel" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" aria-describedby="poclab-cancel-help">${msg("poclab.cancel")}</button>
      <p id="poclab-cancel-help" class="poclab-cancel-help">${msg("poclab.cancelHelp")}</p>
    </form>
  </section>
</#if>
</#macro>
