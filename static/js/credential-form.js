// The credential form shows only the fields of the chosen authentication. The page works without this
// script: every group of fields shows, each <fieldset data-auth-kind> with a legend saying which
// authentication it is for, and the server ignores the other group's fields. With it, the groups of the
// authentications not chosen are hidden, and the secret field is named after the choice (its input's
// data-label-<kind> attributes hold the words in the page's language).
(function () {
  "use strict";

  function chosenKind(form) {
    var checked = form.querySelector('input[name="auth_kind"]:checked');
    return checked ? checked.value : "";
  }

  function show(form) {
    var kind = chosenKind(form);
    var groups = form.querySelectorAll("fieldset[data-auth-kind]");
    for (var index = 0; index < groups.length; index += 1) {
      // Nothing chosen yet: every group stays, as without the script.
      groups[index].hidden = kind !== "" && groups[index].getAttribute("data-auth-kind") !== kind;
    }
    var secret = form.querySelector('input[name="secret"]');
    var label = secret && secret.id ? form.querySelector('label[for="' + secret.id + '"]') : null;
    if (label) {
      if (!label.hasAttribute("data-label")) { label.setAttribute("data-label", label.textContent); }
      label.textContent = secret.getAttribute("data-label-" + kind) || label.getAttribute("data-label");
    }
  }

  function setUp(form) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "auth_kind") { show(form); }
    });
    show(form);
  }

  var forms = document.querySelectorAll("form[data-auth-form]");
  for (var index = 0; index < forms.length; index += 1) { setUp(forms[index]); }
})();
