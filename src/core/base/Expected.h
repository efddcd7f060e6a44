// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// A value or the reason there is none, after C++23's std::expected (this is
// C++17, as qBittorrent uses nonstd::expected). Every layer of the core and
// both faces report failures this way instead of through a QString* that the
// caller has to remember to test.
//
//     Expected<User> byEmail(const QString &email);   // return user; or return fail(why);
//     Expected<void> migrate();                        // return {}; or return fail(why);

#include <QString>

#include <type_traits>
#include <utility>
#include <variant>

namespace mist {

// The failure side, wrapped so that it cannot be taken for a value.
template <typename E> class Unexpected {
public:
    explicit Unexpected(E error)
        : m_error(std::move(error)) {}
    const E &error() const & { return m_error; }
    E &&error() && { return std::move(m_error); }

private:
    E m_error;
};

template <typename E> Unexpected<std::decay_t<E>> fail(E &&error) {
    return Unexpected<std::decay_t<E>>(std::forward<E>(error));
}
// A string literal or QStringLiteral fails as a QString.
inline Unexpected<QString> fail(const char *error) {
    return Unexpected<QString>(QString::fromUtf8(error));
}

template <typename T, typename E = QString> class Expected {
public:
    using value_type = T;
    using error_type = E;

    Expected()
        : m_state(std::in_place_index<0>) {}
    Expected(T value)
        : m_state(std::in_place_index<0>, std::move(value)) {}
    template <typename G>
    Expected(Unexpected<G> failure)
        : m_state(std::in_place_index<1>, std::move(failure).error()) {}

    bool has_value() const { return m_state.index() == 0; }
    explicit operator bool() const { return has_value(); }

    // Only when has_value(); as with std::expected, anything else is a bug.
    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T &&operator*() && { return std::move(*this).value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    template <typename U> T value_or(U &&fallback) const & {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

    // The failure; an empty E when there is none (so that a test's message
    // argument, evaluated either way, may name it).
    const E &error() const {
        static const E none{};
        return has_value() ? none : std::get<1>(m_state);
    }

private:
    std::variant<T, E> m_state;
};

// Success carries nothing: `return {};`.
template <typename E> class Expected<void, E> {
public:
    using value_type = void;
    using error_type = E;

    Expected() = default;
    template <typename G>
    Expected(Unexpected<G> failure)
        : m_error(std::move(failure).error())
        , m_failed(true) {}

    bool has_value() const { return !m_failed; }
    explicit operator bool() const { return has_value(); }

    // The failure; an empty E when there is none.
    const E &error() const { return m_error; }

private:
    E m_error{};
    bool m_failed = false;
};

} // namespace mist
