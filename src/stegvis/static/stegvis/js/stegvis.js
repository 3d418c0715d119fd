// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("click", (event) => {
  const switcher = document.querySelector("details.switcher[open]");
  if (switcher && !switcher.contains(event.target)) switcher.removeAttribute("open");
});
