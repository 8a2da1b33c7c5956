// Lazy organisation tree and confirmations. Pages work without it.
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
