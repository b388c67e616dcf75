// This browser's place in a class: {role: "teacher"|"student", code, token, name?} in localStorage, so
// every tab and every reload of the same browser is back in the class at once.
const KEY = "gradlab.class";
const SCENE = "gradlab.class.scene"; // a scene the teacher sent, opened once the lab's page is up
const RETURN = "gradlab.class.return"; // where a student was before a presentation took them elsewhere

function read(storage, key) {
  try {
    return JSON.parse(storage.getItem(key) ?? "null");
  } catch {
    return null;
  }
}

function write(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // storage refused (private mode, quota): the class lasts as long as this page
  }
}

export function membership() {
  const m = read(localStorage, KEY);
  return m && typeof m.code === "string" && typeof m.token === "string" ? m : null;
}

export function setMembership(value) {
  write(localStorage, KEY, value);
}

export function takeScene(lab) {
  const scene = read(sessionStorage, SCENE);
  if (!scene || scene.lab !== lab) return null;
  write(sessionStorage, SCENE, null);
  return scene;
}

export function keepScene(scene) {
  write(sessionStorage, SCENE, scene);
}

export function returnPlace() {
  return read(sessionStorage, RETURN);
}

export function setReturnPlace(url) {
  write(sessionStorage, RETURN, url);
}

// The class's REST calls: JSON in and out, the teacher's token as a Bearer header.
export async function api(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return { status: response.status, ok: response.ok, data };
}
