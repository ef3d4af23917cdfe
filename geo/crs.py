"""Coordinate reference systems the project uses, named once.

Store and exchange in :data:`WGS84` (longitude, latitude). Measure lengths and areas on the
ellipsoid (``pyproj.Geod``) or, for areas and print maps, in :data:`LAEA_EUROPE`; never in degrees
or in Web Mercator, which only the web map uses for drawing.
"""

from pyproj import Geod

#: Longitude/latitude on WGS84: what every shipped file is stored in.
WGS84 = "EPSG:4326"

#: ETRS89 Lambert Azimuthal Equal-Area, Europe: areas in m², print maps of the region.
LAEA_EUROPE = "EPSG:3035"

#: The WGS84 ellipsoid, for geodesic lengths and areas.
GEOD = Geod(ellps="WGS84")
