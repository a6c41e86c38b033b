// Shim for <ankerl/unordered_dense.h>, used only to build the mediasoup worker
// offline (Phòng Họp Số, scripts/mediasoup-worker/build.sh).
//
// No npm or Debian package ships martinus/unordered_dense, and mediasoup's
// worker (3.27.1) uses only this subset of it:
//   ankerl::unordered_dense::map<Key, T[, Hash[, KeyEqual]]>
//   ankerl::unordered_dense::set<Key[, Hash[, KeyEqual]]>
//   ankerl::unordered_dense::hash<T>{}(value)
// so they are mapped onto the standard containers and std::hash. The worker
// code only relies on the API the two share (find, emplace, try_emplace,
// erase(iterator) returning the next iterator, contains, iteration, ...), not
// on unordered_dense's insertion order or its vector-backed storage.
// Extra members a custom hasher declares for unordered_dense (is_avalanching)
// are simply ignored by std::unordered_map.

#ifndef ANKERL_UNORDERED_DENSE_H
#define ANKERL_UNORDERED_DENSE_H

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense
{
	template<class T>
	struct hash
	{
		// unordered_dense's hash returns uint64_t.
		std::uint64_t operator()(const T& value) const noexcept(noexcept(std::hash<T>{}(value)))
		{
			return static_cast<std::uint64_t>(std::hash<T>{}(value));
		}
	};

	template<class Key, class T, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual>;
} // namespace ankerl::unordered_dense

#endif
