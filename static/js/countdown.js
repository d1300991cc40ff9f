// The order page's countdown to the promised time. The server already wrote
// the minutes left (or that the order is late); this keeps them current.
// live.js moves data-promised-at when the promise changes, and removes the
// element once the order stops or arrives; each tick reads what is there.
(() => {
  const promise = document.querySelector("[data-promise]");
  if (!promise) {
    return;
  }
  const countdown = promise.querySelector("[data-countdown]");
  if (!countdown) {
    return;
  }
  const show = () => {
    const due = Date.parse(promise.dataset.promisedAt);
    if (!promise.isConnected || Number.isNaN(due)) {
      return false;
    }
    const seconds = Math.ceil((due - Date.now()) / 1000);
    const late = seconds <= 0;
    countdown.classList.toggle("order-promise-late", late);
    if (late) {
      countdown.textContent = promise.dataset.lateText;
      return true;
    }
    const minutes = Math.floor(seconds / 60);
    if (minutes >= 60) {
      countdown.textContent = `in ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
    } else {
      countdown.textContent = `in ${minutes}:${String(seconds % 60).padStart(2, "0")}`;
    }
    return true;
  };
  if (show()) {
    const timer = window.setInterval(() => {
      if (!show()) {
        window.clearInterval(timer);
      }
    }, 1000);
  }
})();
