/* The admin's order lists follow the staff queue live: store staff hear of
   their store's orders, sellers of orders with their lines, shop staff of
   all. On each event the list is fetched again and swapped in place, so a
   new paid order appears in whatever list (the picking queue too) and with
   whatever filters the page has, without a reload. */
(function () {
  "use strict";

  var list = document.getElementById("changelist");
  var script = document.currentScript;
  if (!list || !script) { return; }
  var FINAL_CLOSES = [4400, 4401, 4403, 4404];
  var base = script.getAttribute("data-live-url") ||
    (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
  var pending = null;
  var region = document.createElement("p");
  region.className = "visually-hidden";
  region.setAttribute("role", "status");
  region.setAttribute("data-live-announce", "");
  list.parentNode.insertBefore(region, list);

  function refresh(event) {
    clearTimeout(pending);
    // Several events at once (an order paid, another packed) fetch once.
    pending = setTimeout(function () {
      fetch(location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("changelist");
          var current = document.getElementById("changelist");
          if (fresh && current) {
            current.innerHTML = fresh.innerHTML;
            region.textContent = "Order " + event.order + ": " + event.status_label;
          }
        });
    }, 300);
  }

  var delay = 1000;
  function open() {
    var socket = new WebSocket(base + "/ws/v1/staff/orders/", ["freshcart.v1"]);
    socket.onopen = function () {
      delay = 1000;
      socket.send(JSON.stringify({ type: "subscribe" }));
    };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "order.event") { refresh(data); }
    };
    socket.onclose = function (event) {
      if (FINAL_CLOSES.indexOf(event.code) !== -1) { return; }
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  open();
})();
