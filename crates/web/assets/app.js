// Lazy organisation tree, confirmations, and the address of a page that
// answers a form. Pages work without it.

// A page answering a form shows the address of the page the form was on
// (set by the server, always a local path): a reload then loads that page
// instead of sending the form again, and the language switch and the next
// form name it.
{
  const page = document.body && document.body.dataset.formPage;
  if (page && page.startsWith("/") && !page.startsWith("//")) history.replaceState(null, "", page);
}

document.addEventListener("click", async (ev) => {
  const t = ev.target.closest("button.toggle");
  if (t) {
    ev.preventDefault();
    const li = t.parentElement;
    const open = t.getAttribute("aria-expanded") === "true";
    const sub = li.querySelector(":scope > ul");
    if (open) { if (sub) sub.hidden = true; t.setAttribute("aria-expanded", "false"); t.textContent = "▸"; return; }
    if (sub) { sub.hidden = false; } else {
      const res = await fetch(`/console/orgs/${encodeURIComponent(t.dataset.id)}/tree`, { credentials: "same-origin" });
      if (res.ok) li.insertAdjacentHTML("beforeend", await res.text());
    }
    t.setAttribute("aria-expanded", "true"); t.textContent = "▾";
    return;
  }
  const c = ev.target.closest("[data-confirm]");
  if (c && !window.confirm(c.dataset.confirm)) ev.preventDefault();
});
