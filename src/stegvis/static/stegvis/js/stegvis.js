// Small progressive enhancements; every page works without JavaScript.
// Close open drop-down menus (federation switcher, grouped navigation) on an outside click.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.switcher[open], .nav-group details[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});

// Registration: "Nej" to consent disables the consent details (the server ignores them anyway).
for (const details of document.querySelectorAll("[data-consent-details]")) {
  const form = details.closest("form");
  const sync = () => {
    const choice = form.querySelector("input[name='has_consent']:checked");
    details.disabled = choice !== null && choice.value === "no";
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "has_consent") sync();
  });
  sync();
}
