/* Guided relaxation practice on the homework entry page (relaxation log).
 *
 * A paced-breathing timer and step-by-step scripts (body scan, grounding)
 * whose data comes from alliance/homework/guided.py through the JSON script
 * tag #guided-data. When the practice stops, the log form's "minutes" and
 * "method" fields are filled (on the portal's exercises page, the form that
 * logs to the coping toolbox: the panel has data-log="toolbox") and change events fire, so the htmx autosave on
 * the form saves the draft. Without JavaScript none of this runs: the page
 * shows the exercises as plain lists and the log is filled in by hand.
 *
 * `data-seconds-per-minute` on the panel (only rendered with DEBUG and
 * ?fast=1) makes every practice minute that many real seconds, for browser
 * tests. No inline script or style attribute is used (strict CSP); the circle's
 * transition length is set through element.style, which CSP allows.
 */
(function () {
  "use strict";

  const MAX_LOG_MINUTES = 180;

  /* -- pure helpers (also loaded by node for a quick check) -------------- */

  function cycleSeconds(phases) {
    return phases.reduce((sum, p) => sum + p.seconds, 0);
  }

  /** The phase at `t` seconds into the practice: its index, the cycle it
   *  belongs to, and the seconds left in it. */
  function phaseAt(phases, t) {
    const cycle = cycleSeconds(phases);
    const round = Math.floor(t / cycle);
    let pos = t - round * cycle;
    for (let i = 0; i < phases.length; i++) {
      if (pos < phases[i].seconds) {
        return { index: i, round: round, left: phases[i].seconds - pos };
      }
      pos -= phases[i].seconds;
    }
    const last = phases.length - 1;
    return { index: last, round: round, left: 0 };
  }

  /** Minutes for the log: the whole seconds practised, rounded to the
   *  nearest minute (half a minute counts as one), at most the log's 180.
   *  Under half a minute is 0: there is nothing to log. */
  function minutesFor(seconds) {
    const whole = Math.floor(Math.max(0, seconds) + 1e-6);
    return Math.min(MAX_LOG_MINUTES, Math.floor((whole + 30) / 60));
  }

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return m + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  /* -- the panel --------------------------------------------------------- */

  function setup(root) {
    const dataTag = document.getElementById("guided-data");
    if (!dataTag) return;
    const data = JSON.parse(dataTag.textContent);
    const $ = (sel) => root.querySelector(sel);
    const $$ = (sel) => Array.prototype.slice.call(root.querySelectorAll(sel));

    const spm = parseFloat(root.getAttribute("data-seconds-per-minute"));
    // Real seconds per practice second.
    const scale = spm > 0 ? spm / 60 : 1;
    const tickMs = scale < 0.5 ? 50 : 250;
    const reduceMotion =
      window.matchMedia &&
      window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    const rhythmSelect = $("#pacer-rhythm");
    const minutesInput = $("#pacer-minutes");
    const minutesHelp = $("#pacer-minutes-help");
    const minutesHelpText = minutesHelp.textContent;
    const circle = $("[data-pacer-circle]");
    const cueWord = $("[data-cue-word]");
    const cueCount = $("[data-cue-count]");
    const clockEl = $("[data-clock]");
    const doneEl = $("[data-done]");
    const startBtn = $('[data-do="start"]');
    const pauseBtn = $('[data-do="pause"]');
    const stopBtn = $('[data-do="stop"]');
    const prevBtn = $('[data-step="prev"]');
    const nextBtn = $('[data-step="next"]');
    const autoAdvance = $("[data-auto-advance]");
    const settings = $$(
      "[data-guided-settings] input, [data-guided-settings] select"
    );

    const state = {
      mode: "idle", // idle | running | paused
      exercise: "breathing",
      elapsed: 0, // practice seconds
      target: 0, // practice seconds, breathing only
      last: 0,
      timer: null,
      phaseId: null,
      step: 0,
      stepElapsed: 0,
    };

    const rhythm = () =>
      data.rhythms.find((r) => r.key === rhythmSelect.value) || data.rhythms[0];
    const script = () => data.scripts.find((s) => s.key === state.exercise);

    /* show the controls instead of the plain lists */
    $$("[data-guided-js]").forEach((el) => { el.hidden = false; });
    $$("[data-guided-nojs]").forEach((el) => { el.hidden = true; });

    function setCue(word, count) {
      if (cueWord.textContent !== word) cueWord.textContent = word;
      const text = count === "" ? "" : String(count);
      if (cueCount.textContent !== text) cueCount.textContent = text;
    }

    function setCircle(kind, seconds) {
      if (reduceMotion) return;
      circle.className = "pacer-circle" + (kind ? " is-" + kind : "");
      circle.style.transitionDuration = Math.max(0, seconds * scale) + "s";
      circle.style.transform = "";
    }

    function freezeCircle() {
      if (reduceMotion) return;
      circle.style.transform = window.getComputedStyle(circle).transform;
      circle.style.transitionDuration = "0s";
    }

    function showRhythmHelp() {
      const r = rhythm();
      $("[data-rhythm-help]").textContent = r.description;
      const caution = $("[data-rhythm-caution]");
      caution.textContent = r.caution || "";
      caution.hidden = !r.caution;
    }

    function readMinutes() {
      const value = Number(minutesInput.value);
      const ok =
        Number.isInteger(value) &&
        value >= data.minutes.low &&
        value <= data.minutes.high;
      minutesInput.setAttribute("aria-invalid", ok ? "false" : "true");
      minutesHelp.classList.toggle("error", !ok);
      minutesHelp.textContent = ok
        ? minutesHelpText
        : "Choose a whole number of minutes from " + data.minutes.low +
          " to " + data.minutes.high + ".";
      return ok ? value : null;
    }

    /* -- what the page shows -------------------------------------------- */

    function renderButtons() {
      startBtn.disabled = state.mode === "running";
      pauseBtn.disabled = state.mode !== "running";
      stopBtn.disabled = state.mode === "idle";
      settings.forEach((el) => { el.disabled = state.mode !== "idle"; });
    }

    function renderStep() {
      const s = script();
      if (!s) return;
      const step = s.steps[state.step];
      $("[data-step-count]").textContent =
        "Step " + (state.step + 1) + " of " + s.steps.length;
      $("[data-step-title]").textContent = step.title;
      $("[data-step-text]").textContent = step.text;
      prevBtn.disabled = state.step === 0;
      nextBtn.disabled = state.step === s.steps.length - 1;
    }

    function renderClock() {
      let text;
      if (state.exercise === "breathing") {
        const total =
          state.mode === "idle" ? (readMinutesQuietly() || 0) * 60 : state.target;
        text = clock(total - state.elapsed) + " to go";
      } else {
        text = clock(state.elapsed) + " practised";
      }
      clockEl.textContent = text + (state.mode === "paused" ? " (paused)" : "");
    }

    function readMinutesQuietly() {
      const value = Number(minutesInput.value);
      return Number.isInteger(value) ? value : null;
    }

    function chooseExercise(key) {
      state.exercise = key;
      const breathing = key === "breathing";
      $('[data-pane="breathing"]').hidden = !breathing;
      $('[data-pane="script"]').hidden = breathing;
      if (!breathing) {
        $("[data-script-intro]").textContent = script().intro;
        state.step = 0;
        renderStep();
      }
      renderClock();
    }

    /* -- the clock -------------------------------------------------------- */

    function tick() {
      const now = performance.now();
      const delta = (now - state.last) / 1000 / scale;
      state.last = now;
      state.elapsed += delta;
      if (state.exercise === "breathing") {
        if (state.elapsed >= state.target) {
          finish(true);
          return;
        }
        updatePacer();
      } else {
        state.stepElapsed += delta;
        const s = script();
        if (autoAdvance.checked && state.stepElapsed >= s.steps[state.step].seconds) {
          if (state.step === s.steps.length - 1) {
            finish(true);
            return;
          }
          goToStep(state.step + 1);
        }
      }
      renderClock();
    }

    function updatePacer() {
      const phases = rhythm().phases;
      const at = phaseAt(phases, state.elapsed);
      const id = at.round * phases.length + at.index;
      const phase = phases[at.index];
      if (id !== state.phaseId) {
        state.phaseId = id;
        setCircle(phase.kind, at.left);
      }
      setCue(phase.cue + "…", Math.max(1, Math.ceil(at.left - 1e-6)));
    }

    function goToStep(index) {
      const s = script();
      state.step = Math.max(0, Math.min(s.steps.length - 1, index));
      state.stepElapsed = 0;
      renderStep();
    }

    function run() {
      state.mode = "running";
      state.last = performance.now();
      state.timer = window.setInterval(tick, tickMs);
      renderButtons();
    }

    function halt() {
      if (state.timer !== null) window.clearInterval(state.timer);
      state.timer = null;
    }

    /* -- the buttons ------------------------------------------------------ */

    function start() {
      if (state.mode === "running") return;
      if (state.mode === "paused") {
        state.phaseId = null; // restart the circle from where it froze
        run();
        if (state.exercise === "breathing") updatePacer();
        return;
      }
      doneEl.textContent = "";
      state.elapsed = 0;
      state.stepElapsed = 0;
      if (state.exercise === "breathing") {
        const minutes = readMinutes();
        if (minutes === null) {
          minutesInput.focus();
          return;
        }
        state.target = minutes * 60;
        state.phaseId = null;
        run();
        updatePacer();
      } else {
        goToStep(0);
        run();
      }
      renderClock();
    }

    function pause() {
      if (state.mode !== "running") return;
      tick();
      if (state.mode !== "running") return; // the practice just ended
      halt();
      state.mode = "paused";
      if (state.exercise === "breathing") {
        freezeCircle();
        setCue("Paused. Press Start to go on.", "");
      }
      renderButtons();
      renderClock();
    }

    function stop() {
      if (state.mode === "idle") return;
      if (state.mode === "running") {
        tick();
        if (state.mode === "idle") return; // the practice just ended
      }
      finish(false);
    }

    function finish(completed) {
      halt();
      const seconds =
        completed && state.exercise === "breathing" ? state.target : state.elapsed;
      const minutes = minutesFor(seconds);
      const method =
        state.exercise === "breathing" ? data.breathingMethod : script().method;
      state.mode = "idle";
      state.elapsed = 0;
      state.phaseId = null;
      if (state.exercise === "breathing") {
        setCircle("", 1);
        setCue(completed ? "Finished. Breathe normally." : "Stopped.", "");
      }
      if (minutes === 0) {
        // A few seconds is not a practice to log; say so instead of a minute.
        doneEl.textContent =
          "You stopped after less than half a minute, so nothing was put in " +
          "your log. Start again when you are ready, or fill in your log by hand.";
      } else {
        report(minutes, method, fillLog(minutes, method), completed);
      }
      renderButtons();
      renderClock();
    }

    /* -- the log form ------------------------------------------------------ */

    function fillLog(minutes, method) {
      const minutesField = document.getElementById("id_minutes");
      const methodField = document.getElementById("id_method");
      if (!minutesField || !methodField || !minutesField.form) return false;
      minutesField.value = String(minutes);
      if (Array.prototype.some.call(methodField.options, (o) => o.value === method)) {
        methodField.value = method;
      }
      // Both values are set before the first change event, so the autosave
      // request it starts carries both.
      [minutesField, methodField].forEach((field) => {
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return true;
    }

    function report(minutes, method, filled, completed) {
      const label = data.methods[method] || method;
      doneEl.textContent =
        (completed ? "Well done. " : "") +
        "You practised for " + plural(minutes, "minute") + " (" + label + "). ";
      if (!filled) return;
      if (root.dataset.log === "toolbox") {
        // The portal's exercises page: the form below logs to the toolbox.
        const toForm = document.createElement("a");
        toForm.href = "#guided-log";
        toForm.textContent = "the form below";
        doneEl.appendChild(document.createTextNode("If you like, keep a note of it: "));
        doneEl.appendChild(toForm);
        doneEl.appendChild(
          document.createTextNode(" now shows this; save it to your coping toolbox.")
        );
        return;
      }
      doneEl.appendChild(
        document.createTextNode("Your log below now shows this. Rate your ")
      );
      const link = document.createElement("a");
      link.href = "#id_tension_after";
      link.textContent = "tension after";
      doneEl.appendChild(link);
      doneEl.appendChild(
        document.createTextNode(" and send it when you are ready.")
      );
    }

    /* -- wiring -------------------------------------------------------------- */

    startBtn.addEventListener("click", start);
    pauseBtn.addEventListener("click", pause);
    stopBtn.addEventListener("click", stop);
    prevBtn.addEventListener("click", () => goToStep(state.step - 1));
    nextBtn.addEventListener("click", () => goToStep(state.step + 1));
    rhythmSelect.addEventListener("change", showRhythmHelp);
    minutesInput.addEventListener("input", renderClock);
    $$('input[name="guided-exercise"]').forEach((radio) => {
      radio.addEventListener("change", () => {
        if (radio.checked) chooseExercise(radio.value);
      });
    });

    const picked = $('input[name="guided-exercise"]:checked');
    showRhythmHelp();
    chooseExercise(picked ? picked.value : "breathing");
    renderButtons();
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { phaseAt: phaseAt, minutesFor: minutesFor, clock: clock };
  }
  if (typeof document !== "undefined") {
    const init = () => {
      const root = document.querySelector("[data-guided]");
      if (root) setup(root);
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }
})();
