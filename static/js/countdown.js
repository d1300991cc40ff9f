// The order page's countdown to the promised time. The server already wrote
// the minutes left (or that the order is late); this keeps them current.
(() => {
  const promise = document.querySelector("[data-promise]");
  if (!promise) {
    return;
  }
  const due = Date.parse(promise.dataset.promisedAt);
  const countdown = promise.querySelector("[data-countdown]");
  if (Number.isNaN(due) || !countdown) {
    return;
  }
  const show = () => {
    const seconds = Math.ceil((due - Date.now()) / 1000);
    if (seconds <= 0) {
      countdown.textContent = promise.dataset.lateText;
      countdown.classList.add("order-promise-late");
      return false;
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
