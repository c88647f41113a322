// ARIA tabs (automatic activation): ←/→ move between tabs, Home/End go to the ends.
// A tab may carry data-hash: the URL hash (#dues) selects it and follows the selection.

export function initTabs(root) {
  const tabs = Array.from(root.querySelectorAll('[role="tab"]'));
  const panelOf = (tab) => document.getElementById(tab.getAttribute('aria-controls'));

  function select(tab, { focus = false, updateHash = true } = {}) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      panelOf(t).hidden = !on;
    }
    if (focus) tab.focus();
    if (updateHash && tab.dataset.hash) {
      history.replaceState(null, '', location.pathname + location.search + '#' + tab.dataset.hash);
    }
  }

  function fromHash() {
    const h = decodeURIComponent(location.hash.slice(1));
    return tabs.find((t) => t.dataset.hash === h) || null;
  }

  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(tab);
      let target = null;
      if (e.key === 'ArrowRight') target = tabs[(i + 1) % tabs.length];
      else if (e.key === 'ArrowLeft') target = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (e.key === 'Home') target = tabs[0];
      else if (e.key === 'End') target = tabs[tabs.length - 1];
      if (target) {
        e.preventDefault();
        select(target, { focus: true });
      }
    });
  }

  const initial = fromHash();
  select(initial || tabs.find((t) => t.getAttribute('aria-selected') === 'true') || tabs[0],
    { updateHash: false });
  window.addEventListener('hashchange', () => {
    const t = fromHash();
    if (t) select(t, { updateHash: false });
  });
}
