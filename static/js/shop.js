// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // A form asks before it does something that cannot be undone.
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  // One click places one order: the button is disabled once the form is sent.
  // `form.elements` also holds buttons joined to the form by form="...".
  if (form.dataset.once !== undefined) {
    Array.from(form.elements).forEach((element) => {
      if (element.type === "submit") {
        element.disabled = true;
      }
    });
  }
});

// ADD before the shop knows the shopper's PIN code: a dialog asks for it
// (an unserved code is answered at once, naming the areas served), sets it,
// then sends the ADD form as it is, so the page comes back showing that
// store's shelf. Without this file the server's PIN page does the same.
const askPostalCode = (() => {
  if (!window.fetch || !window.FormData || !window.HTMLDialogElement) {
    return null;
  }
  const AREA_PATH = "/delivery/area/";
  let dialog;
  let pending;

  const build = () => {
    dialog = document.createElement("dialog");
    dialog.className = "pin-dialog";
    dialog.setAttribute("aria-labelledby", "pin-dialog-title");
    const form = document.createElement("form");
    form.noValidate = true;
    const title = document.createElement("h2");
    title.id = "pin-dialog-title";
    title.textContent = "Where should we deliver?";
    const intro = document.createElement("p");
    intro.dataset.pinIntro = "";
    const field = document.createElement("div");
    field.className = "field";
    const label = document.createElement("label");
    label.htmlFor = "pin-dialog-code";
    label.textContent = "PIN code";
    const input = document.createElement("input");
    input.id = "pin-dialog-code";
    input.name = "postal_code";
    input.inputMode = "numeric";
    input.autocomplete = "postal-code";
    input.maxLength = 12;
    input.setAttribute("aria-describedby", "pin-dialog-error");
    field.append(label, input);
    const error = document.createElement("p");
    error.id = "pin-dialog-error";
    error.className = "pin-dialog-error";
    error.setAttribute("role", "alert");
    const actions = document.createElement("div");
    actions.className = "pin-dialog-actions";
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "btn btn-primary";
    submit.textContent = "Continue";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-outline";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", () => dialog.close());
    actions.append(submit, cancel);
    form.append(title, intro, field, error, actions);
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    dialog.addEventListener("close", () => {
      if (pending && pending.opener && document.contains(pending.opener)) {
        pending.opener.focus();
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const addForm = pending.form;
      const body = new FormData();
      body.append("csrfmiddlewaretoken", addForm.elements.csrfmiddlewaretoken.value);
      body.append("postal_code", input.value);
      submit.disabled = true;
      error.textContent = "";
      let response;
      let data;
      try {
        response = await fetch(AREA_PATH, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        data = await response.json();
      } catch (failure) {
        // No answer we understand: the plain form goes to the PIN page.
        addForm.submit();
        return;
      }
      submit.disabled = false;
      if (!response.ok) {
        error.textContent = data.detail || "Please check the PIN code.";
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      delete document.body.dataset.postalCodeMissing;
      pending.opener = null;
      dialog.close();
      addForm.submit();
    });
  };

  // What the ADD button adds: "Add Robusta Banana to cart" names it; the
  // product page's "Add to cart" sits under the product's heading.
  const nameOf = (opener) => {
    const label = (opener && opener.getAttribute("aria-label")) || "";
    const named = label.match(/^Add (.+) to cart$/);
    if (named) {
      return named[1];
    }
    const heading = document.querySelector("#product-title");
    return heading ? heading.textContent.trim() : "it";
  };

  return (addForm, opener) => {
    if (!dialog) {
      build();
    }
    pending = { form: addForm, opener };
    dialog.querySelector("[data-pin-intro]").textContent =
      `Tell us your PIN code and we add ${nameOf(opener)} ` +
      "from the store that delivers to you: what you can buy depends on it.";
    dialog.querySelector(".pin-dialog-error").textContent = "";
    dialog.showModal();
    dialog.querySelector("input").focus();
  };
})();

document.addEventListener("submit", (event) => {
  const form = event.target;
  const missing = "postalCodeMissing" in document.body.dataset;
  if (!askPostalCode || event.defaultPrevented || !missing) {
    return;
  }
  const path = new URL(form.action, window.location.href).pathname;
  if (path !== "/cart/add/") {
    return;
  }
  event.preventDefault();
  askPostalCode(form, event.submitter || form.querySelector("button"));
});

// The cart's ADD and "− qty +" forms change the cart without a reload: the
// form is sent with fetch, the server answers JSON with the control's new
// HTML, and the header follows. Any failure falls back to the plain form.
(() => {
  const CART_PATHS = ["/cart/add/", "/cart/set/"];
  if (!window.fetch || !window.FormData) {
    return;
  }

  const announce = (text) => {
    let region = document.querySelector("[data-cart-announcer]");
    if (!region) {
      region = document.createElement("div");
      region.className = "messages";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.dataset.cartAnnouncer = "";
      // In the sticky header, where the page's own messages are.
      document.querySelector(".site-header").appendChild(region);
    }
    region.replaceChildren();
    if (text) {
      const message = document.createElement("p");
      message.className = "message message-warning";
      message.textContent = text;
      region.appendChild(message);
    }
  };

  const updateHeader = (cart) => {
    const button = document.querySelector("[data-cart-button]");
    if (button) {
      const label = document.createElement("span");
      if (cart.count) {
        const count = document.createElement("span");
        count.dataset.cartCount = "";
        count.textContent = String(cart.count);
        const total = document.createElement("strong");
        total.dataset.cartTotal = "";
        total.textContent = cart.subtotal_display;
        label.append(count, ` item${cart.count === 1 ? "" : "s"}`);
        label.appendChild(document.createElement("br"));
        label.appendChild(total);
      } else {
        label.textContent = "My cart";
      }
      const icon = button.querySelector(".cart-icon");
      button.replaceChildren(...(icon ? [icon, label] : [label]));
    }
    updateCartBar(cart);
  };

  // The phone's sticky cart bar: there from the first ADD, gone when empty.
  // Pages that have a bar of their own (the cart) leave no [data-cart-bar-slot].
  const updateCartBar = (cart) => {
    let bar = document.querySelector("[data-cart-bar]");
    const slot = document.querySelector("[data-cart-bar-slot]");
    if (!cart.count) {
      if (bar) {
        bar.remove();
      }
      return;
    }
    if (!bar) {
      if (!slot) {
        return;
      }
      bar = document.createElement("a");
      bar.className = "cart-bar";
      bar.href = slot.dataset.cartBarSlot;
      bar.dataset.cartBar = "";
      const summary = document.createElement("span");
      const action = document.createElement("strong");
      action.textContent = "View cart ›";
      bar.append(summary, action);
      slot.appendChild(bar);
    }
    const items = `${cart.count} item${cart.count === 1 ? "" : "s"}`;
    bar.querySelector("span").textContent = `${items} · ${cart.subtotal_display}`;
  };

  // The cart page's lines and bill depend on every line: fetch it again.
  const refreshCartPage = async () => {
    const region = document.querySelector("[data-cart-page]");
    if (!region) {
      return;
    }
    const response = await fetch(window.location.pathname, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) {
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-cart-page]");
    if (fresh) {
      region.replaceWith(document.adoptNode(fresh));
    }
  };

  const focusAfter = (control, clicked) => {
    const buttons = control.querySelectorAll("button");
    if (!buttons.length) {
      return;
    }
    // Keep the focus on the button that was pressed, or its nearest match.
    const wanted = clicked && clicked.textContent.trim();
    const same = Array.from(buttons).find((b) => b.textContent.trim() === wanted);
    (same || buttons[buttons.length - 1]).focus();
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    const control = form.closest("[data-cart-control]");
    if (!control || event.defaultPrevented) {
      return;
    }
    const path = new URL(form.action, window.location.href).pathname;
    if (!CART_PATHS.includes(path)) {
      return;
    }
    event.preventDefault();
    // A second tap while the first is on its way would post the old quantity.
    if (control.getAttribute("aria-busy") === "true") {
      return;
    }
    const clicked = event.submitter || form.querySelector("button");
    const hadFocus = control.contains(document.activeElement);
    const variant = control.dataset.variant;
    control.setAttribute("aria-busy", "true");
    const buttons = Array.from(control.querySelectorAll("button"));
    buttons.forEach((button) => {
      button.disabled = true;
    });
    let response;
    let data;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      data = await response.json();
    } catch (error) {
      // No answer we understand: the plain form shows the server's own page.
      form.submit();
      return;
    }
    control.removeAttribute("aria-busy");
    buttons.forEach((button) => {
      button.disabled = false;
    });
    if (!response.ok && data.code === "postal_code_required" && askPostalCode) {
      askPostalCode(form, clicked);
      return;
    }
    if (!response.ok) {
      // Refused (sold out, gone, bad quantity): say why and keep the control.
      announce(data.detail || "That did not work; please try again.");
      return;
    }
    const template = document.createElement("template");
    template.innerHTML = data.control_html.trim();
    const fresh = template.content.firstElementChild;
    control.replaceWith(fresh);
    updateHeader(data.cart);
    announce(data.message);
    await refreshCartPage();
    if (hadFocus) {
      const selector = `[data-cart-control][data-variant="${CSS.escape(variant)}"]`;
      const current = document.querySelector(selector);
      if (current) {
        focusAfter(current, clicked);
      } else {
        const heading = document.querySelector("main h1");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      }
    }
  });
})();

// A "Show password" button beside each password field, so a shopper on a
// phone can check what they typed. Without JavaScript the field stays hidden.
document.querySelectorAll("input[type=password]").forEach((input) => {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "password-toggle";
  button.setAttribute("aria-pressed", "false");
  if (input.id) {
    button.setAttribute("aria-controls", input.id);
  }
  const word = document.createElement("span");
  word.textContent = "Show";
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = " password";
  button.append(word, hidden);
  button.addEventListener("click", () => {
    const showing = input.type === "text";
    input.type = showing ? "password" : "text";
    word.textContent = showing ? "Show" : "Hide";
    button.setAttribute("aria-pressed", String(!showing));
  });
  const wrap = document.createElement("span");
  wrap.className = "password-field";
  input.replaceWith(wrap);
  wrap.append(input, button);
});
