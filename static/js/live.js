/* Live order pages: the order page and the order list follow the order's
   events over a WebSocket (docs/api.md, "Live order events"). The page is
   complete without this script; it only keeps the page true as the order
   moves. The page says which event it was rendered at (data-live-seq), so
   the subscription resumes from there and misses nothing. */
(function () {
  "use strict";

  var PROTOCOL = "freshcart.v1";
  // Refusals that another try would only repeat.
  var FINAL_CLOSES = [4400, 4401, 4403, 4404];
  var STOPPED = ["delivered", "cancelled", "refunded"];
  var CANCELLABLE = ["pending_payment", "paid"];

  function socketBase(root) {
    var url = root.getAttribute("data-live-url");
    if (url) { return url; }
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
  }

  // Open the socket, subscribe with what was seen last, reconnect with backoff.
  function follow(root, path, lastSeen, onEvent) {
    var delay = 1000;
    function open() {
      var socket = new WebSocket(socketBase(root) + path, [PROTOCOL]);
      socket.onopen = function () {
        delay = 1000;
        socket.send(JSON.stringify({ type: "subscribe", last: lastSeen() }));
      };
      socket.onmessage = function (message) {
        var data = JSON.parse(message.data);
        if (data.type === "order.event") { onEvent(data); }
      };
      socket.onclose = function (event) {
        if (FINAL_CLOSES.indexOf(event.code) !== -1) { return; }
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
  }

  function announce(root, text) {
    var region = root.querySelector("[data-live-announce]") ||
      document.querySelector("[data-live-announce]");
    if (region) { region.textContent = text; }
  }

  function showStatus(scope, event) {
    var badge = scope.querySelector("[data-live-status]");
    if (!badge) { return; }
    badge.textContent = event.status_label;
    badge.className = "badge badge-" + event.status;
  }

  function addTimelineEntry(root, entry) {
    var timeline = root.querySelector("[data-live-timeline]");
    if (!timeline) { return; }
    var item = document.createElement("li");
    item.className = "is-done";
    var label = document.createElement("strong");
    label.textContent = entry.label;
    var when = document.createElement("span");
    when.className = "small";
    var time = document.createElement("time");
    time.setAttribute("datetime", entry.at);
    time.textContent = entry.at_display;
    when.appendChild(time);
    item.appendChild(label);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(when);
    var upcoming = Array.prototype.slice.call(timeline.querySelectorAll(".is-upcoming"));
    timeline.insertBefore(item, upcoming[0] || null);
    // The steps up to this one are behind the order now; a stop ends them all.
    var reached = -1;
    upcoming.forEach(function (step, index) {
      if (step.firstElementChild && step.firstElementChild.textContent === entry.label) {
        reached = index;
      }
    });
    upcoming.forEach(function (step, index) {
      if (index <= reached || STOPPED.indexOf(entry.status) !== -1 || reached === -1) {
        step.remove();
      }
    });
  }

  function showPaymentFailure(root, payment) {
    var panel = root.querySelector("[data-live-pay]");
    if (!panel) { return; }
    var alert = panel.querySelector("[data-live-payment-failed]");
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "message message-error";
      alert.setAttribute("role", "alert");
      alert.setAttribute("data-live-payment-failed", "");
      panel.insertBefore(alert, panel.children[1] || null);
    }
    alert.textContent = "Your last payment did not go through: " + payment.message +
      " Nothing was charged; you can try again.";
  }

  // The promise block of templates/orders/_promise.html; countdown.js ticks
  // it down. Times are in the shop's zone: the event's ISO time carries it.
  function showPromise(root, event) {
    var promise = root.querySelector("[data-promise]");
    if (!promise) { return; }
    if (STOPPED.indexOf(event.status) !== -1 || !event.promised_at) {
      promise.remove();
      return;
    }
    if (event.promised_at === promise.getAttribute("data-promised-at")) { return; }
    var time = promise.querySelector("time");
    var before = time.textContent;
    var after = event.promised_at.slice(11, 16);
    promise.setAttribute("data-promised-at", event.promised_at);
    promise.setAttribute("data-late-text",
      promise.getAttribute("data-late-text").replace(before, after));
    time.setAttribute("datetime", event.promised_at);
    time.textContent = after;
  }

  function orderPage(root) {
    var number = root.getAttribute("data-live-order");
    var seq = Number(root.getAttribute("data-live-seq")) || 0;
    follow(root, "/ws/v1/orders/" + encodeURIComponent(number) + "/",
      function () { return seq; },
      function (event) {
        if (event.order !== number || event.seq <= seq) { return; }
        seq = event.seq;
        root.setAttribute("data-live-seq", String(seq));
        showStatus(root, event);
        if (event.entry) { addTimelineEntry(root, event.entry); }
        if (event.payment) { showPaymentFailure(root, event.payment); }
        if (event.status !== "pending_payment") {
          var pay = root.querySelector("[data-live-pay]");
          if (pay) { pay.remove(); }
        }
        if (CANCELLABLE.indexOf(event.status) === -1) {
          var cancel = root.querySelector("[data-live-cancel]");
          if (cancel) { cancel.remove(); }
        }
        showPromise(root, event);
        announce(root, "Order " + number + ": " + event.status_label);
      });
  }

  function orderList(root) {
    var cards = {};
    Array.prototype.forEach.call(root.querySelectorAll("[data-live-order]"), function (card) {
      cards[card.getAttribute("data-live-order")] = card;
    });
    follow(root, "/ws/v1/orders/",
      function () {
        var last = {};
        Object.keys(cards).forEach(function (number) {
          last[number] = Number(cards[number].getAttribute("data-live-seq")) || 0;
        });
        return last;
      },
      function (event) {
        var card = cards[event.order];
        if (!card || event.seq <= Number(card.getAttribute("data-live-seq"))) { return; }
        card.setAttribute("data-live-seq", String(event.seq));
        showStatus(card, event);
        announce(root, "Order " + event.order + ": " + event.status_label);
      });
  }

  var page = document.querySelector("div[data-live-order]");
  if (page) { orderPage(page); }
  var list = document.querySelector("[data-live-orders]");
  if (list) { orderList(list); }
})();
