// Small progressive enhancements; every page works without JavaScript.
// Close open drop-down menus (federation switcher, grouped navigation) on an outside click.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.switcher[open], .nav-group details[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});
