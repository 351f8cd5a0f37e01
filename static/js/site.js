/*
 * TradeWatch: small enhancements on every page. Plain ES2017, loaded with <script defer>.
 * - Language switcher: <select id="language-switcher"> inside a <form> submits on change;
 *   the form's submit button (needed without JavaScript) is then hidden.
 */
(function () {
  "use strict";

  function languageSwitcher() {
    var select = document.getElementById("language-switcher");
    var form = select && select.form;
    if (!form || select.getAttribute("data-enhanced") === "true") return;
    select.setAttribute("data-enhanced", "true");
    var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = true;
    });
    select.addEventListener("change", function () {
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", languageSwitcher);
  } else {
    languageSwitcher();
  }
})();
